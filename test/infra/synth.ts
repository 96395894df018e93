/**
 * Synthesizes the Pantau app for infra tests. Unit tests swap esbuild for an inline asset
 * (`pantau:skipBundling`) so each region synthesizes in seconds; test/infra/bundling.test.ts and
 * test/bench/bundles.bench.ts exercise the real bundling.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createPantauApp, type PantauApp } from '../../infra/pantau-app.ts';

interface Synthesized extends PantauApp {
  readonly template: Template;
  readonly outdir: string;
}

function synthPantau(context: Record<string, unknown>): Synthesized {
  const outdir = mkdtempSync(path.join(tmpdir(), 'pantau-cdk-'));
  const pantau = createPantauApp({
    outdir,
    context: { 'pantau:skipBundling': true, ...context },
    // CDK's built-in CloudFormation schema check takes most of a synth's CPU; templates are
    // schema-checked with cfn-lint instead (docs/deploy.md). The cdk-nag plugins still run.
    builtinCloudFormationValidation: false,
  });
  // Runs the cdk-nag validation plugins too: an unacknowledged error fails here.
  const assembly = pantau.app.synth();
  const template = Template.fromJSON(assembly.getStackArtifact(pantau.stack.artifactId).template);
  return { ...pantau, template, outdir };
}

/** Logical ids of resources of `type` whose properties match `predicate`. */
function resourcesOf(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}

export type { Synthesized };
export { resourcesOf, synthPantau };
