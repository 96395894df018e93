/**
 * Mentions in integration tests. `writeScoredWindow` is the detection tests' input: a window of
 * mentions stored and scored as the score Lambda would store them, so bucket counts (and the
 * stream events the detector reads) come from the real repositories. Labels are fixed, not
 * modelled: `negative` NEGATIVE, then the rest alternating POSITIVE and NEUTRAL.
 */
import type { Repositories } from '../../lib/domain/ports.ts';
import type { Mention, SentimentLabel } from '../../lib/domain/types.ts';
import { encodeMentionId, mentionSk } from '../../lib/storage/keys.ts';

const WINDOW_MS = 5 * 60_000;
let seq = 0;

/** Stores and scores `negative` + `other` mentions spread over the 5-minute window at `startMs`. */
async function writeScoredWindow(
  repos: Pick<Repositories, 'mentions'>,
  issueId: string,
  startMs: number,
  negative: number,
  other: number,
): Promise<void> {
  const labelled: { m: Mention; label: SentimentLabel }[] = [];
  const n = negative + other;
  for (let i = 0; i < n; i++) {
    seq += 1;
    const createdAt = new Date(startMs + Math.floor((i * WINDOW_MS) / n)).toISOString();
    const sourceId = `p${seq}`;
    const m: Mention = {
      tenantId: 'kominfo',
      issueId,
      id: encodeMentionId(issueId, mentionSk(createdAt, 'demo', sourceId)),
      source: 'demo',
      sourceId,
      url: `https://example.test/${sourceId}`,
      author: { handle: `warga${seq % 17}` },
      text: i < negative ? `harga naik terus, rakyat susah ${seq}` : `info harga ${seq}`,
      createdAt,
      lang: 'id',
      engagement: { likes: seq % 50, reposts: seq % 7 },
      collectedAt: createdAt,
    };
    labelled.push({ m, label: i < negative ? 'NEGATIVE' : i % 2 ? 'POSITIVE' : 'NEUTRAL' });
  }
  for (let i = 0; i < labelled.length; i += 25) {
    await Promise.all(labelled.slice(i, i + 25).map(({ m }) => repos.mentions.putNew(m)));
  }
  await repos.mentions.recordScores(
    labelled.map(({ m, label }) => ({
      mention: m,
      detectedLang: 'id',
      sentiment: {
        label,
        scores: { POSITIVE: 0.1, NEGATIVE: 0.1, NEUTRAL: 0.1, MIXED: 0.1, [label]: 0.7 },
        engine: 'builtin',
        model: 'test',
        scoredAt: new Date(startMs + WINDOW_MS).toISOString(),
      },
    })),
  );
}

/** Every stored mention of an issue, oldest first, read page by page through the repository. */
async function allMentions(
  repos: Pick<Repositories, 'mentions'>,
  issueId: string,
): Promise<Mention[]> {
  const out: Mention[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.mentions.query(issueId, {
      from: '2000-01-01T00:00:00.000Z',
      to: '2100-01-01T00:00:00.000Z',
      limit: 100,
      order: 'asc',
      cursor,
    });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export { allMentions, writeScoredWindow };
