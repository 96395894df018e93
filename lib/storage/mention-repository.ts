/**
 * Mentions, their scores and the bucket counts derived from them.
 *
 * Exactly-once counting rests on one rule: a mention's score and its bucket increments are written
 * in the same transaction, and the score write is conditional on the mention having no score yet.
 * A replayed stream batch therefore fails that condition for every mention it already counted;
 * those mentions are dropped from the chunk, the bucket deltas are recomputed from the rest, and
 * the chunk is retried. No client request token is used: DynamoDB would answer a replay inside its
 * 10-minute window with success, and the replay would be reported as applied.
 *
 * A mention whose item no longer exists (deleted by TTL or by hand) fails the same condition and
 * is counted as alreadyScored: counting it would add to a bucket a mention nobody can read.
 */
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import type {
  MentionQuery,
  MentionRepository,
  Page,
  ScoreWrite,
  ScoreWriteResult,
} from '../domain/ports.ts';
import {
  BUCKET_WIDTHS,
  type BucketCounts,
  type BucketWidth,
  CORRECTION_ORIGINS,
  type CorrectionOrigin,
  type CorrectionRecord,
  type Mention,
  SENTIMENT_LABELS,
  type Sentiment,
  type SentimentLabel,
  SOURCE_NAMES,
} from '../domain/types.ts';
import type { TableRef } from './clients.ts';
import {
  DAY_SECONDS,
  engagementOf,
  itemToCorrection,
  itemToMention,
  itemToSentiment,
  LABEL_FIELD,
  mentionKeyOf,
  mentionToItem,
  withType,
} from './item-mappers.ts';
import {
  bucketKey,
  CORRECTIONS_GSI1PK,
  correctionKey,
  decodeMentionId,
  issuePk,
  type Key,
  mentionRange,
} from './keys.ts';
import type { PageCursorCodec } from './page-cursor.ts';
import {
  backoffMs,
  cancellationReasons,
  type Item,
  isTransient,
  putIfAbsent,
  queryAll,
  requireId,
  requireIso,
  requireLimit,
  sleep,
  str,
} from './repository-support.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** TransactWriteItems takes at most 100 actions; a chunk is its mentions plus their buckets. */
const MAX_ACTIONS = 100;
/** Small enough that one replayed mention costs a cheap retry, large enough to share buckets. */
const MAX_MENTIONS_PER_CHUNK = 30;
const MAX_QUERY_LIMIT = 1_000;
/** Below the 400 KB item limit, leaving room for the score written later. */
const MAX_MENTION_BYTES = 350_000;
/** Requests one query() may make while filters keep pages short. */
const MAX_QUERY_PAGES = 10;
const TRANSIENT_ATTEMPTS = 5;
const CORRECT_ATTEMPTS = 3;

const WIDTH_MS: Record<BucketWidth, number> = {
  '5m': 5 * 60_000,
  '1h': 60 * 60_000,
  '1d': 24 * 60 * 60_000,
};

/** Start of the UTC window of `width` holding `createdAt`. */
function bucketStart(createdAt: string, width: BucketWidth): string {
  const ms = Date.parse(createdAt);
  const w = WIDTH_MS[width];
  return new Date(Math.floor(ms / w) * w).toISOString();
}

interface BucketDelta extends BucketCounts {
  tenantId: string;
  issueId: string;
  width: BucketWidth;
  start: string;
  key: Key;
}

const keyString = (k: Key) => `${k.pk}\n${k.sk}`;

function bucketKeysOf(m: Mention): Key[] {
  return BUCKET_WIDTHS.map((w) => bucketKey(m.issueId, w, bucketStart(m.createdAt, w)));
}

/** One delta per distinct bucket, summed over the writes. */
function bucketDeltas(writes: { mention: Mention; label: SentimentLabel }[]): BucketDelta[] {
  const deltas = new Map<string, BucketDelta>();
  for (const { mention, label } of writes) {
    for (const width of BUCKET_WIDTHS) {
      const start = bucketStart(mention.createdAt, width);
      const key = bucketKey(mention.issueId, width, start);
      const id = keyString(key);
      let d = deltas.get(id);
      if (!d) {
        d = {
          tenantId: mention.tenantId,
          issueId: mention.issueId,
          width,
          start,
          key,
          total: 0,
          positive: 0,
          negative: 0,
          neutral: 0,
          mixed: 0,
          engagement: 0,
        };
        deltas.set(id, d);
      }
      d.total += 1;
      d[LABEL_FIELD[label]] += 1;
      d.engagement += engagementOf(mention);
    }
  }
  return [...deltas.values()];
}

const COUNT_FIELDS: (keyof BucketCounts)[] = [
  'total',
  'positive',
  'negative',
  'neutral',
  'mixed',
  'engagement',
];

/**
 * One ADD per bucket. Every count is added, zeros included, so a bucket always has all of them;
 * the descriptive attributes are set once, which is what the detect stream filter matches on.
 * 5-minute buckets expire with the mentions they count (288 a day per issue would otherwise pile
 * up); hourly and daily buckets are kept for long trends.
 */
function bucketUpdate(tableName: string, d: BucketDelta, retentionDays: number): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const adds: string[] = [];
  for (const f of COUNT_FIELDS) {
    names[`#${f}`] = f;
    values[`:${f}`] = d[f];
    adds.push(`#${f} :${f}`);
  }
  const sets: string[] = [];
  const meta: Record<string, string> = {
    entityType: 'bucket',
    tenantId: d.tenantId,
    issueId: d.issueId,
    width: d.width,
    start: d.start,
  };
  const ttl =
    d.width === '5m'
      ? Math.floor(Date.parse(d.start) / 1000) + Math.round(retentionDays * DAY_SECONDS)
      : undefined;
  for (const [f, v] of Object.entries({ ...meta, ...(ttl === undefined ? {} : { ttl }) })) {
    names[`#${f}`] = f;
    values[`:${f}`] = v;
    sets.push(`#${f} = if_not_exists(#${f}, :${f})`);
  }
  return {
    Update: {
      TableName: tableName,
      Key: d.key,
      UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

function requireLabel(label: string): SentimentLabel {
  if (!SENTIMENT_LABELS.includes(label as SentimentLabel)) {
    throw new ValidationError(`Unknown sentiment label '${label}'`, { label });
  }
  return label as SentimentLabel;
}

function requireMentionShape(m: Mention): void {
  requireId('tenant', m.tenantId);
  requireId('issue', m.issueId);
  requireIso('createdAt', m.createdAt);
  if (!SOURCE_NAMES.includes(m.source)) {
    throw new ValidationError(`Unknown source '${m.source}'`, { source: m.source });
  }
  if (typeof m.sourceId !== 'string' || m.sourceId.length === 0 || m.sourceId.length > 512) {
    throw new ValidationError('sourceId must be 1-512 characters', { sourceId: m.sourceId });
  }
}

/** Groups writes so each chunk fits one transaction, keeping mentions of one window together. */
function planChunks(writes: ScoreWrite[]): ScoreWrite[][] {
  const sorted = [...writes].sort((a, b) =>
    a.mention.createdAt < b.mention.createdAt
      ? -1
      : a.mention.createdAt > b.mention.createdAt
        ? 1
        : 0,
  );
  const chunks: ScoreWrite[][] = [];
  let current: ScoreWrite[] = [];
  let buckets = new Set<string>();
  for (const w of sorted) {
    const keys = bucketKeysOf(w.mention).map(keyString);
    const fresh = keys.filter((k) => !buckets.has(k)).length;
    if (
      current.length >= MAX_MENTIONS_PER_CHUNK ||
      current.length + 1 + buckets.size + fresh > MAX_ACTIONS
    ) {
      chunks.push(current);
      current = [];
      buckets = new Set();
    }
    current.push(w);
    for (const k of keys) buckets.add(k);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const LANG_PATTERN = /^([a-z]{2,3}|und)$/;
const CURSOR_SCOPE = (issueId: string, order: string) => `mentions\n${issueId}\n${order}`;

export interface MentionRepositoryOptions {
  table: TableRef;
  retentionDays: number;
  cursors: PageCursorCodec;
}

function createMentionRepository(opts: MentionRepositoryOptions): MentionRepository {
  const { table, retentionDays, cursors } = opts;
  const { doc, tableName } = table;

  async function putNew(mention: Mention): Promise<boolean> {
    requireMentionShape(mention);
    const item = mentionToItem(mention, retentionDays);
    // DynamoDB's own answer to an oversized item is an untyped ValidationException.
    const bytes = Buffer.byteLength(JSON.stringify(item), 'utf8');
    if (bytes > MAX_MENTION_BYTES) {
      throw new ValidationError('Mention is too large to store; truncate its text', {
        id: item.id,
        bytes,
      });
    }
    return putIfAbsent({ doc, tableName }, item);
  }

  async function get(mentionId: string): Promise<Mention | undefined> {
    const decoded = decodeMentionId(mentionId);
    if (!decoded) return undefined;
    const res = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: issuePk(decoded.issueId), sk: decoded.sk },
        ConsistentRead: true,
      }),
    );
    return res.Item ? itemToMention(res.Item) : undefined;
  }

  async function query(issueId: string, q: MentionQuery): Promise<Page<Mention>> {
    requireId('issue', issueId);
    requireLimit(q.limit, MAX_QUERY_LIMIT);
    const fromMs = requireIso('from', q.from);
    const toMs = requireIso('to', q.to);
    if (fromMs >= toMs) throw new ValidationError("'from' must be before 'to'");
    if (q.order !== 'asc' && q.order !== 'desc') {
      throw new ValidationError("order must be 'asc' or 'desc'", { order: q.order });
    }
    const range = mentionRange(issueId, q.from, q.to);
    const scope = CURSOR_SCOPE(issueId, q.order);
    let start: Record<string, string> | undefined;
    if (q.cursor !== undefined) {
      start = cursors.decode(scope, q.cursor);
      const keys = Object.keys(start);
      const sk = start.sk ?? '';
      if (keys.length !== 2 || start.pk !== range.pk || !sk.startsWith('M#')) {
        throw new ValidationError('Invalid cursor');
      }
      if (sk < range.skFrom || sk > range.skTo) {
        throw new ValidationError('Cursor is outside the requested time range');
      }
    }

    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':pk': range.pk,
      ':from': range.skFrom,
      ':to': range.skTo,
    };
    if (q.sentiment !== undefined) {
      values[':label'] = requireLabel(q.sentiment);
      names['#sentiment'] = 'sentiment';
      names['#label'] = 'label';
      filters.push('#sentiment.#label = :label');
    }
    if (q.source !== undefined) {
      if (!SOURCE_NAMES.includes(q.source)) {
        throw new ValidationError(`Unknown source '${q.source}'`, { source: q.source });
      }
      values[':source'] = q.source;
      names['#source'] = 'source';
      filters.push('#source = :source');
    }
    if (q.lang !== undefined) {
      if (!LANG_PATTERN.test(q.lang)) {
        throw new ValidationError(`Invalid language code '${q.lang}'`, { lang: q.lang });
      }
      // The score step's detected language wins over the source's tag once it exists.
      values[':lang'] = q.lang;
      names['#detectedLang'] = 'detectedLang';
      names['#lang'] = 'lang';
      filters.push(
        '(#detectedLang = :lang OR (attribute_not_exists(#detectedLang) AND #lang = :lang))',
      );
    }
    const filtered = filters.length > 0;

    const items: Item[] = [];
    let next: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_QUERY_PAGES; page++) {
      const remaining = q.limit - items.length;
      const res = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          FilterExpression: filtered ? filters.join(' AND ') : undefined,
          ExpressionAttributeNames: filtered ? names : undefined,
          ExpressionAttributeValues: values,
          ScanIndexForward: q.order === 'asc',
          // One item more than needed tells whether another page exists, so the last page
          // carries no cursor; filtered pages come back short, so they read more and trim below.
          Limit: filtered ? Math.min(MAX_QUERY_LIMIT, Math.max(remaining * 2, 100)) : remaining + 1,
          ExclusiveStartKey: start,
        }),
      );
      const got = (res.Items ?? []) as Item[];
      if (got.length > remaining) {
        items.push(...got.slice(0, remaining));
        // Resume right after the last item returned: the key need not be a LastEvaluatedKey.
        const last = items[items.length - 1] as Item;
        next = { pk: str(last, 'pk'), sk: str(last, 'sk') };
        break;
      }
      items.push(...got);
      next = res.LastEvaluatedKey;
      if (!next || items.length >= q.limit) break;
      start = next as Record<string, string>;
    }
    const page: Page<Mention> = { items: items.map(itemToMention) };
    if (next) {
      page.nextCursor = cursors.encode(scope, { pk: String(next.pk), sk: String(next.sk) });
    }
    return page;
  }

  function mentionScoreUpdate(w: ScoreWrite): TransactItem {
    return {
      Update: {
        TableName: tableName,
        Key: mentionKeyOf(w.mention),
        UpdateExpression: 'SET #sentiment = :sentiment, #detectedLang = :lang',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#sentiment)',
        ExpressionAttributeNames: { '#sentiment': 'sentiment', '#detectedLang': 'detectedLang' },
        ExpressionAttributeValues: {
          ':sentiment': sentimentValue(w.sentiment),
          ':lang': w.detectedLang,
        },
      },
    };
  }

  async function writeChunk(chunk: ScoreWrite[]): Promise<ScoreWriteResult> {
    let pending = chunk;
    let alreadyScored = 0;
    let transientAttempt = 0;
    while (pending.length > 0) {
      const deltas = bucketDeltas(
        pending.map((w) => ({ mention: w.mention, label: w.sentiment.label })),
      );
      const actions = [
        ...pending.map(mentionScoreUpdate),
        ...deltas.map((d) => bucketUpdate(tableName, d, retentionDays)),
      ];
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: actions }));
        return { applied: pending.length, alreadyScored };
      } catch (err) {
        const reasons = cancellationReasons(err);
        if (reasons && reasons.length === actions.length) {
          const scored = new Set<number>();
          pending.forEach((_, i) => {
            if (reasons[i]?.Code === 'ConditionalCheckFailed') scored.add(i);
          });
          if (scored.size > 0) {
            alreadyScored += scored.size;
            pending = pending.filter((_, i) => !scored.has(i));
            continue;
          }
        }
        if (isTransient(err) && transientAttempt + 1 < TRANSIENT_ATTEMPTS) {
          await sleep(backoffMs(transientAttempt++));
          continue;
        }
        throw err;
      }
    }
    return { applied: 0, alreadyScored };
  }

  async function recordScores(writes: ScoreWrite[]): Promise<ScoreWriteResult> {
    // Validate everything first: a bad write fails the call before anything is stored.
    for (const w of writes) {
      requireMentionShape(w.mention);
      requireLabel(w.sentiment?.label);
      if (typeof w.detectedLang !== 'string' || w.detectedLang.length === 0) {
        throw new ValidationError('detectedLang must be a language code', { id: w.mention.id });
      }
    }
    // A transaction may touch an item once: the same mention twice in one call is a replay.
    const seen = new Set<string>();
    const unique: ScoreWrite[] = [];
    let duplicates = 0;
    for (const w of writes) {
      const k = keyString(mentionKeyOf(w.mention));
      if (seen.has(k)) {
        duplicates++;
        continue;
      }
      seen.add(k);
      unique.push(w);
    }
    const result: ScoreWriteResult = { applied: 0, alreadyScored: duplicates };
    for (const chunk of planChunks(unique)) {
      const r = await writeChunk(chunk);
      result.applied += r.applied;
      result.alreadyScored += r.alreadyScored;
    }
    return result;
  }

  async function correct(
    mention: Mention,
    label: SentimentLabel,
    by: string,
    at: string,
    origin: CorrectionOrigin = 'manual',
  ): Promise<{ previous: SentimentLabel | undefined }> {
    requireMentionShape(mention);
    requireLabel(label);
    requireIso('at', at);
    requireOrigin(origin);
    if (typeof by !== 'string' || by.length === 0) {
      throw new ValidationError('A correction needs the id of who made it');
    }
    const key = mentionKeyOf(mention);
    for (let attempt = 0; ; attempt++) {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      );
      const item = res.Item as Item | undefined;
      // Another tenant's mention is as absent as a missing one.
      if (!item || item.tenantId !== mention.tenantId) throw new NotFoundError('Mention');
      const stored = itemToMention(item);
      const prior = itemToSentiment(item.sentiment);
      const previous = prior?.label;
      const model = modelScoreOf(item, prior);
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: correctionActions(stored, prior, model, label, by, at, origin, key),
          }),
        );
        return { previous };
      } catch (err) {
        const reasons = cancellationReasons(err);
        const raced = reasons?.[0]?.Code === 'ConditionalCheckFailed';
        // The mention was scored or corrected between the read and the write: read again.
        if ((raced || isTransient(err)) && attempt + 1 < CORRECT_ATTEMPTS) {
          await sleep(backoffMs(attempt));
          continue;
        }
        throw err;
      }
    }
  }

  function correctionActions(
    stored: Mention,
    prior: Sentiment | undefined,
    model: { label: SentimentLabel; version?: string } | undefined,
    label: SentimentLabel,
    by: string,
    at: string,
    origin: CorrectionOrigin,
    key: Key,
  ): TransactItem[] {
    const names: Record<string, string> = { '#sentiment': 'sentiment' };
    const values: Record<string, unknown> = {
      ':sentiment': sentimentValue({
        label,
        engine: 'correction',
        model: 'official',
        scores: { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0, [label]: 1 },
        scoredAt: at,
      }),
      ':by': by,
      ':at': at,
      ':tenant': stored.tenantId,
    };
    const sets = ['#sentiment = :sentiment', 'correctedBy = :by', 'correctedAt = :at'];
    let condition: string;
    if (prior) {
      values[':prev'] = prior.label;
      names['#label'] = 'label';
      condition = 'attribute_exists(pk) AND tenantId = :tenant AND #sentiment.#label = :prev';
      // The model's own label and version are kept once, for accuracy figures; later
      // corrections find them here, since the mention's sentiment is then the official's.
      if (prior.engine !== 'correction') {
        sets.push('modelLabel = if_not_exists(modelLabel, :prev)');
        values[':modelVersion'] = prior.model;
        sets.push('modelVersion = if_not_exists(modelVersion, :modelVersion)');
      }
    } else {
      condition =
        'attribute_exists(pk) AND tenantId = :tenant AND attribute_not_exists(#sentiment)';
    }
    const actions: TransactItem[] = [
      {
        Update: {
          TableName: tableName,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: withType('correction', correctionKey(stored.issueId, key.sk), {
            tenantId: stored.tenantId,
            issueId: stored.issueId,
            mentionId: stored.id,
            mentionSk: key.sk,
            text: stored.text,
            title: stored.title,
            label,
            previousLabel: prior?.label,
            modelLabel: model?.label,
            model: model?.version,
            origin,
            by,
            at,
            gsi1pk: CORRECTIONS_GSI1PK,
            gsi1sk: `${at}#${stored.issueId}#${key.sk}`,
          }),
        },
      },
    ];
    if (!prior) {
      // Never scored: the correction is its first label, so it is counted now, once.
      for (const d of bucketDeltas([{ mention: stored, label }])) {
        actions.push(bucketUpdate(tableName, d, retentionDays));
      }
    } else if (prior.label !== label) {
      const from = LABEL_FIELD[prior.label];
      const to = LABEL_FIELD[label];
      for (const k of bucketKeysOf(stored)) {
        actions.push({
          Update: {
            TableName: tableName,
            Key: k,
            UpdateExpression: 'ADD #from :minus, #to :plus',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#from': from, '#to': to },
            ExpressionAttributeValues: { ':minus': -1, ':plus': 1 },
          },
        });
      }
    }
    return actions;
  }

  async function listCorrections(
    opts: { origin?: CorrectionOrigin } = {},
  ): Promise<{ text: string; label: SentimentLabel; by: string; at: string }[]> {
    const values: Record<string, unknown> = { ':pk': CORRECTIONS_GSI1PK };
    let filter: string | undefined;
    if (opts.origin !== undefined) {
      values[':origin'] = requireOrigin(opts.origin);
      // Corrections stored before origins existed were all made from mention lists.
      filter =
        opts.origin === 'manual'
          ? '(attribute_not_exists(#origin) OR #origin = :origin)'
          : '#origin = :origin';
    }
    const items = await queryAll(table, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      FilterExpression: filter,
      ExpressionAttributeNames: filter ? { '#origin': 'origin' } : undefined,
      ExpressionAttributeValues: values,
    });
    return items.map((item) => ({
      text: str(item, 'text'),
      label: str(item, 'label') as SentimentLabel,
      by: str(item, 'by'),
      at: str(item, 'at'),
    }));
  }

  /**
   * One correction item per mention (a new correction replaces it), so this is already the
   * latest per mention. Corrections are made by hand, so an issue holds few enough of them to
   * read its whole CORR# range and filter by time.
   */
  async function listIssueCorrections(
    issueId: string,
    from: string,
    to: string,
  ): Promise<CorrectionRecord[]> {
    requireId('issue', issueId);
    const fromMs = requireIso('from', from);
    const toMs = requireIso('to', to);
    if (fromMs >= toMs) throw new ValidationError("'from' must be before 'to'");
    const items = await queryAll(table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :corr)',
      FilterExpression: '#at >= :from AND #at < :to',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: {
        ':pk': issuePk(issueId),
        ':corr': 'CORR#',
        ':from': new Date(fromMs).toISOString(),
        ':to': new Date(toMs).toISOString(),
      },
    });
    return items
      .map(itemToCorrection)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.mentionId < b.mentionId ? -1 : 1));
  }

  return {
    putNew,
    get,
    query,
    recordScores,
    correct,
    listCorrections,
    listIssueCorrections,
  };
}

function requireOrigin(origin: string): CorrectionOrigin {
  if (!CORRECTION_ORIGINS.includes(origin as CorrectionOrigin)) {
    throw new ValidationError(`Unknown correction origin '${origin}'`, { origin });
  }
  return origin as CorrectionOrigin;
}

/**
 * The model's own score of a mention: its current sentiment while no official has corrected it,
 * afterwards what the first correction set aside on the item.
 */
function modelScoreOf(
  item: Item,
  prior: Sentiment | undefined,
): { label: SentimentLabel; version?: string } | undefined {
  if (prior && prior.engine !== 'correction') return { label: prior.label, version: prior.model };
  const label = item.modelLabel;
  if (typeof label !== 'string' || !SENTIMENT_LABELS.includes(label as SentimentLabel)) {
    return undefined;
  }
  const version = item.modelVersion;
  return {
    label: label as SentimentLabel,
    ...(typeof version === 'string' ? { version } : {}),
  };
}

/** The stored shape of a score: exactly the Sentiment fields, nothing the caller tacked on. */
function sentimentValue(s: Sentiment): Item {
  return {
    label: s.label,
    scores: {
      POSITIVE: s.scores?.POSITIVE ?? 0,
      NEGATIVE: s.scores?.NEGATIVE ?? 0,
      NEUTRAL: s.scores?.NEUTRAL ?? 0,
      MIXED: s.scores?.MIXED ?? 0,
    },
    engine: s.engine,
    model: s.model,
    scoredAt: s.scoredAt,
  };
}

export { bucketStart, createMentionRepository, planChunks };
