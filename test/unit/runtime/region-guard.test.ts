/**
 * Data residency (PP 71/2019 Art. 20): every AWS client the Lambdas build takes the region the
 * function runs in, never a literal, so no content or personal data is sent to another region.
 * A static check over the deployed code (functions/ and lib/ without the local runtime), so a new
 * client with a hard-coded region fails here before review.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;
/** Loopback-only code (DynamoDB Local, the local stream poller and store) is not deployed. */
const LOCAL_ONLY = ['lib/local/'];

/**
 * The only places a region name may be written out, each for a reason that sends no data:
 * the default region itself, the AWS endpoint table that says where Comprehend exists, and
 * the fixed region the SDK needs to talk to DynamoDB Local.
 */
const REGION_LITERAL_ALLOWED = new Map<string, string>([
  ['lib/runtime/config.ts', 'AWS_REGION default: Jakarta'],
  ['lib/cli/commands/sentiment.ts', 'AWS_REGION default: Jakarta'],
  ['lib/storage/clients.ts', 'LOCAL_REGION for DynamoDB Local on loopback'],
  ['lib/sentiment/comprehend.ts', 'the regions that offer Comprehend (endpoint table)'],
]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const files = ['functions', 'lib']
  .flatMap((d) => sourceFiles(join(ROOT, d)))
  .map((path) => ({ rel: relative(ROOT, path), text: readFileSync(path, 'utf8') }))
  .filter((f) => !LOCAL_ONLY.some((prefix) => f.rel.startsWith(prefix)));

/** `new XxxClient(<args>)` with its argument text, balanced over nested parentheses and braces. */
function clientConstructions(text: string): { client: string; args: string }[] {
  const found: { client: string; args: string }[] = [];
  const re = /new (\w+Client)\(/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    while (i < text.length && depth > 0) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
      i++;
    }
    found.push({ client: m[1] as string, args: text.slice(start, i - 1) });
  }
  return found;
}

const REGION_LITERAL = /['"`](?:us|eu|ap|sa|ca|me|af|il|mx|cn)-[a-z]+-\d['"`]/;

describe('region guard', () => {
  it('finds the AWS clients the deployed code builds', () => {
    const clients = files.flatMap((f) => clientConstructions(f.text).map((c) => c.client));
    // The check is only as good as its reach: these are built today and must be seen.
    for (const expected of ['SNSClient', 'ComprehendClient', 'DynamoDBClient']) {
      expect(clients).toContain(expected);
    }
  });

  it('builds every AWS client for the region it runs in, never a literal one', () => {
    const offenders: string[] = [];
    for (const f of files) {
      for (const c of clientConstructions(f.text)) {
        if (REGION_LITERAL.test(c.args)) offenders.push(`${f.rel}: new ${c.client}(${c.args})`);
        const regionFromRuntime =
          /region: (config\.region|process\.env\.AWS_REGION)\b/.test(c.args) ||
          // The storage factory: its region comes from the caller's runtime config.
          (f.rel === 'lib/storage/clients.ts' && c.args.trim() === 'config');
        if (!regionFromRuntime) offenders.push(`${f.rel}: new ${c.client}(${c.args})`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('writes region names only where the allow-list says why', () => {
    const offenders = files
      .filter((f) => REGION_LITERAL.test(f.text) && !REGION_LITERAL_ALLOWED.has(f.rel))
      .map((f) => f.rel);
    expect(offenders).toEqual([]);
  });

  it('detects a hard-coded region, so the guard itself can fail', () => {
    const [c] = clientConstructions("const x = new SNSClient({ region: 'us-east-1' });");
    expect(c).toEqual({ client: 'SNSClient', args: "{ region: 'us-east-1' }" });
    expect(REGION_LITERAL.test(c?.args ?? '')).toBe(true);
  });
});
