/** Builders for storage tests: valid domain objects with overridable fields. */
import type { ScoreWrite } from '../../../lib/domain/ports.ts';
import type {
  Alert,
  Issue,
  Mention,
  Sentiment,
  SentimentLabel,
} from '../../../lib/domain/types.ts';
import { encodeMentionId, mentionSk } from '../../../lib/storage/keys.ts';

export function mention(over: Partial<Mention> & { sourceId: string }): Mention {
  const base = {
    tenantId: 'kominfo',
    issueId: 'beras',
    source: 'demo' as const,
    url: `https://example.test/${over.sourceId}`,
    author: { handle: 'warga' },
    text: `harga beras naik lagi ${over.sourceId}`,
    createdAt: '2026-03-01T08:01:00.000Z',
    lang: 'id',
    engagement: { likes: 1, reposts: 2, replies: 3, quotes: 4, views: 100 },
    collectedAt: '2026-03-01T08:02:00.000Z',
  };
  const m = { ...base, ...over } as Mention;
  m.id = encodeMentionId(m.issueId, mentionSk(m.createdAt, m.source, m.sourceId));
  return m;
}

export function sentiment(label: SentimentLabel, scoredAt = '2026-03-01T08:03:00.000Z'): Sentiment {
  const scores = { POSITIVE: 0.1, NEGATIVE: 0.1, NEUTRAL: 0.1, MIXED: 0.1 };
  scores[label] = 0.7;
  return { label, scores, engine: 'builtin', model: 'nb-id-1', scoredAt };
}

export function scoreWrite(m: Mention, label: SentimentLabel): ScoreWrite {
  return { mention: m, sentiment: sentiment(label), detectedLang: 'id' };
}

export function issue(over: Partial<Issue> = {}): Issue {
  return {
    tenantId: 'kominfo',
    id: 'beras',
    name: 'Harga beras',
    query: '"harga beras" OR #beras',
    sources: ['demo', 'rss'],
    languages: ['id'],
    status: 'active',
    detector: { windowMinutes: 5, minNegative: 3 },
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    ...over,
  };
}

export function alert(over: Partial<Alert> = {}): Alert {
  return {
    tenantId: 'kominfo',
    issueId: 'beras',
    issueName: 'Harga beras',
    id: '',
    episodeStart: '2026-03-01T08:00:00.000Z',
    level: 'WASPADA',
    state: 'raised',
    raisedAt: '2026-03-01T08:05:00.000Z',
    status: 'open',
    evidence: {
      windowStart: '2026-03-01T08:00:00.000Z',
      windowEnd: '2026-03-01T08:05:00.000Z',
      negative: 12,
      total: 20,
      baseline: 2.5,
      deviation: 1.2,
      ratio: 4.8,
      negativeShare: 0.6,
      trend: [1, 2, 3, 12],
      topMentions: [{ id: 'm1', url: 'https://example.test/1', text: 'mahal', engagement: 5 }],
      reason: 'negatif naik tajam',
    },
    ...over,
  };
}
