/**
 * One real esbuild bundling through the house construct (the template tests skip it for speed):
 * the detect entry, bundled as it deploys.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER, FUNCTION_ENTRIES } from '../../infra/bundling.ts';
import { resolveConfig } from '../../infra/config.ts';
import { PantauFunction } from '../../infra/constructs/pantau-function.ts';
import { REPO_ROOT } from '../../infra/stacks/pantau-stack.ts';

let assetDir: string;
let template: Template;

beforeAll(() => {
  const entry = path.join(REPO_ROOT, FUNCTION_ENTRIES.detect);
  expect(existsSync(entry), `${entry} must exist`).toBe(true);
  const outdir = mkdtempSync(path.join(tmpdir(), 'pantau-bundle-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundle', { env: { region: 'ap-southeast-3' } });
  const fn = new PantauFunction(stack, 'detect', {
    entry,
    description: 'bundling test',
    config: resolveConfig('dev', 'ap-southeast-3'),
    failurePath:
      'test only: never deployed, exists to exercise esbuild bundling through the construct',
  });
  const assembly = app.synth();
  template = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  expect(fn.fn.runtime.name).toBe('nodejs22.x');
  const dirs = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
  expect(dirs).toHaveLength(1);
  assetDir = path.join(outdir, dirs[0] as string);
}, 240_000);

describe('Construct: PantauFunction bundling', () => {
  it('emits one ESM file with the require banner and a source map', () => {
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
    expect(code.slice(0, ESM_REQUIRE_BANNER.length)).toBe(ESM_REQUIRE_BANNER);
  });

  it('writes a source map with the mappings but not the sources (Node parses it at cold start)', () => {
    const map = JSON.parse(readFileSync(path.join(assetDir, 'index.mjs.map'), 'utf8')) as {
      sources: string[];
      mappings: string;
      sourcesContent?: unknown;
    };
    expect(map.sources.some((s) => s.endsWith('functions/detect/handler.ts'))).toBe(true);
    expect(map.mappings.length).toBeGreaterThan(1000);
    expect(map.sourcesContent).toBeUndefined();
  });

  it('bundles the AWS SDK instead of importing the runtime copy', () => {
    const code = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
    // Booleans, not toMatch: a failure would otherwise print the whole minified bundle.
    expect(/from\s*"@aws-sdk\//.test(code)).toBe(false);
    expect(/import\(\s*"@aws-sdk\//.test(code)).toBe(false);
    // The SNS client is compiled in (the detect handler publishes alerts).
    expect(code.includes('AmazonSimpleNotificationService')).toBe(true);
  });

  it('keeps class names through minification, so typed errors still name themselves', () => {
    const code = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
    expect(code.includes('"ValidationError"')).toBe(true);
  });

  it('points the handler at the ESM bundle and enables source maps', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
    });
  });
});
