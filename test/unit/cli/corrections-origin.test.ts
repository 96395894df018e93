/**
 * `pantau corrections export --origin`: keeps one kind of correction, on the in-memory
 * repositories (test/integration/api/review.test.ts runs the filter on DynamoDB Local).
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportCorrections, run } from '../../../lib/cli/commands/corrections.ts';
import type { CorrectionOrigin, Mention } from '../../../lib/domain/types.ts';
import { createFakeRepositories } from '../api/fakes.ts';
import { makeMention } from '../api/fixtures.ts';

const NOW = new Date('2026-11-29T09:00:00.000Z');

async function collect(
  repos: ReturnType<typeof createFakeRepositories>,
  origin?: CorrectionOrigin | 'all',
) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => {
    text += c.toString();
  });
  const written = await exportCorrections(repos.mentions, out, origin);
  return { written, lines: text.split('\n').filter((l) => l !== '') };
}

describe('pantau corrections export --origin', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes only the corrections of the chosen origin; all by default', async () => {
    const repos = createFakeRepositories();
    const answers: [CorrectionOrigin, string][] = [
      ['manual', 'NEGATIVE'],
      ['review-sample', 'POSITIVE'],
      ['review-uncertain', 'NEUTRAL'],
      ['review-sample', 'MIXED'],
    ];
    const stored: Mention[] = [];
    for (const [i] of answers.entries()) {
      const m = makeMention('kominfo', 'iss', i, NOW, { text: `teks ${i}` });
      await repos.mentions.putNew(m);
      stored.push(
        (repos._mentions.get('iss') ?? []).find((x) => x.sourceId === m.sourceId) as Mention,
      );
    }
    for (const [i, [origin, label]] of answers.entries()) {
      await repos.mentions.correct(
        stored[i] as Mention,
        label as 'NEGATIVE',
        'token:a',
        new Date(NOW.getTime() + i * 1000).toISOString(),
        origin,
      );
    }

    expect((await collect(repos, 'review-sample')).lines).toEqual([
      'teks 1\tPOSITIVE',
      'teks 3\tMIXED',
    ]);
    expect((await collect(repos, 'review-uncertain')).lines).toEqual(['teks 2\tNEUTRAL']);
    expect(await collect(repos, 'manual')).toEqual({ written: 1, lines: ['teks 0\tNEGATIVE'] });
    expect((await collect(repos, 'all')).written).toBe(4);
    expect((await collect(repos)).written).toBe(4);
  });

  it('refuses an unknown or missing origin with exit code 2 and says which are allowed', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args.join(' '));
    });
    expect(await run(['export', '--origin', 'sample'])).toBe(2);
    expect(errors[0]).toMatch(
      /^Unknown origin 'sample': must be one of all, manual, review-sample, review-uncertain/,
    );
    expect(await run(['export', '--origin'])).toBe(2);
    expect(errors[1]).toMatch(/^Option '--origin' needs a value/);
    expect(await run(['export', '--origin', '--out', 'x.tsv'])).toBe(2);
    expect(errors[2]).toMatch(/^Option '--origin' needs a value/);
  });
});
