/**
 * The score step: language and sentiment for freshly inserted mentions, written back together with
 * their bucket counts (MentionRepository.recordScores is atomic and skips mentions that already have
 * a score, so a replayed batch never counts twice).
 */
import { ValidationError } from '../domain/errors.ts';
import type {
  MentionRepository,
  ScoreWrite,
  ScoreWriteResult,
  SentimentAnalyzer,
} from '../domain/ports.ts';
import { type Mention, SOURCE_NAMES, type SourceName } from '../domain/types.ts';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function requireString(item: Record<string, unknown>, field: string): string {
  const value = item[field];
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(`Mention item has no valid '${field}'`);
  }
  return value;
}

/** Checks a stream image is a usable mention; a malformed one is a poison record. */
function mentionFromImage(item: Record<string, unknown>): Mention {
  const createdAt = requireString(item, 'createdAt');
  if (!ISO_UTC.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
    throw new ValidationError(`Mention item has an invalid createdAt '${createdAt}'`);
  }
  const source = requireString(item, 'source');
  if (!SOURCE_NAMES.includes(source as SourceName)) {
    throw new ValidationError(`Mention item has an unknown source '${source}'`);
  }
  if (typeof item.text !== 'string') throw new ValidationError("Mention item has no 'text'");
  return {
    tenantId: requireString(item, 'tenantId'),
    issueId: requireString(item, 'issueId'),
    id: requireString(item, 'id'),
    source: source as SourceName,
    sourceId: requireString(item, 'sourceId'),
    url: typeof item.url === 'string' ? item.url : '',
    author: (item.author as Mention['author']) ?? {},
    text: item.text,
    title: typeof item.title === 'string' ? item.title : undefined,
    createdAt,
    lang: typeof item.lang === 'string' ? item.lang : 'und',
    engagement: (item.engagement as Mention['engagement']) ?? {},
    collectedAt: typeof item.collectedAt === 'string' ? item.collectedAt : createdAt,
    sentiment: item.sentiment as Mention['sentiment'],
  };
}

/** What the model reads: a news title carries as much of the stance as its summary. */
function scoringText(m: Pick<Mention, 'title' | 'text'>): string {
  return m.title && !m.text.startsWith(m.title) ? `${m.title}. ${m.text}` : m.text;
}

function createScoreUseCase(deps: {
  mentions: Pick<MentionRepository, 'recordScores'>;
  analyzer: SentimentAnalyzer;
}) {
  async function scoreMentions(mentions: Mention[]): Promise<ScoreWriteResult> {
    // A record replayed after its score was written needs no model call at all.
    const pending = mentions.filter((m) => !m.sentiment);
    if (pending.length === 0) return { applied: 0, alreadyScored: mentions.length };
    const outputs = await deps.analyzer.analyze(
      pending.map((m) => ({ id: m.id, text: scoringText(m), lang: m.lang })),
    );
    const byId = new Map(outputs.map((o) => [o.id, o]));
    const writes: ScoreWrite[] = [];
    for (const mention of pending) {
      const out = byId.get(mention.id);
      if (!out) throw new Error(`Analyzer returned no result for mention ${mention.id}`);
      writes.push({ mention, sentiment: out.sentiment, detectedLang: out.lang });
    }
    const result = await deps.mentions.recordScores(writes);
    return {
      applied: result.applied,
      alreadyScored: result.alreadyScored + (mentions.length - pending.length),
    };
  }
  return { scoreMentions };
}

export { createScoreUseCase, mentionFromImage, scoringText };
