/**
 * The backtest: streams mentions (JSON lines, or the TSV of the IKN replay set), counts them
 * into detector windows as they come (memory grows with the number of windows, never with
 * the number of lines), then replays the windows through the same `advance` the detect Lambda
 * runs. Lines without a sentiment are scored by the analyzer passed in, in batches.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { emptyCounts } from '../domain/counts.ts';
import { ValidationError } from '../domain/errors.ts';
import type { SentimentAnalyzer, SentimentInput } from '../domain/ports.ts';
import type { BucketCounts, SentimentLabel } from '../domain/types.ts';
import type { DetectorEvent, WindowCounts } from './detector.ts';
import type { DetectionParams } from './params.ts';
import { replayWindows } from './replay.ts';

export interface BacktestInvalidLine {
  line: number;
  error: string;
}

export interface BacktestSummary {
  lines: number;
  mentions: number;
  invalid: number;
  /** The first invalid lines (at most 20), with the reason. */
  invalidSamples: BacktestInvalidLine[];
  /** Mentions whose sentiment came from the analyzer. */
  scored: number;
  byLabel: Record<SentimentLabel, number>;
  windows: number;
  from?: string;
  to?: string;
  raised: number;
  escalated: number;
  resolved: number;
  events: DetectorEvent[];
}

export interface BacktestOptions {
  input: Readable;
  params: DetectionParams;
  /** Needed only when some lines have no sentiment; called lazily, once. */
  analyzer?: () => Promise<SentimentAnalyzer>;
  onEvent?: (e: DetectorEvent) => void;
  /** Called every `progressEvery` lines. */
  onProgress?: (lines: number) => void;
  progressEvery?: number;
  /**
   * 'negative' (default): the detector's signal is negative mentions. 'all': every mention
   * counts as negative, turning the detector into a volume-spike detector (for data sets whose
   * spikes are not negative, like the IKN replay); its share gates are then meaningless and off.
   */
  signal?: 'negative' | 'all';
}

const LABELS: Record<string, SentimentLabel> = {
  positive: 'POSITIVE',
  negative: 'NEGATIVE',
  neutral: 'NEUTRAL',
  mixed: 'MIXED',
};

const BATCH = 512;

interface Parsed {
  id: string;
  createdMs: number;
  text: string;
  lang?: string;
  label?: SentimentLabel;
}

function labelOf(raw: unknown): SentimentLabel | undefined | null {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'object' && raw !== null && 'label' in raw) {
    return labelOf((raw as { label: unknown }).label);
  }
  if (typeof raw !== 'string') return null;
  return LABELS[raw.trim().toLowerCase()] ?? null;
}

function parseJsonLine(line: string): Parsed {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (err) {
    throw new ValidationError(`not JSON: ${(err as Error).message}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new ValidationError('not a JSON object');
  }
  const o = obj as Record<string, unknown>;
  if (typeof o.id !== 'string' && typeof o.id !== 'number') {
    throw new ValidationError('id is missing');
  }
  if (typeof o.createdAt !== 'string') throw new ValidationError('createdAt is missing');
  const createdMs = Date.parse(o.createdAt);
  if (!Number.isFinite(createdMs))
    throw new ValidationError(`createdAt '${o.createdAt}' is not a date`);
  if (o.text !== undefined && typeof o.text !== 'string')
    throw new ValidationError('text must be a string');
  const label = labelOf(o.sentiment);
  if (label === null) {
    throw new ValidationError(
      `sentiment '${String(o.sentiment)}' is not POSITIVE/NEGATIVE/NEUTRAL/MIXED`,
    );
  }
  const text = typeof o.text === 'string' ? o.text : '';
  if (label === undefined && text.trim() === '') {
    throw new ValidationError('no sentiment and no text to score');
  }
  return {
    id: String(o.id),
    createdMs,
    text,
    lang: typeof o.lang === 'string' ? o.lang : undefined,
    label,
  };
}

interface TsvColumns {
  id: number;
  createdAt: number;
  text: number;
  label: number;
  count: number;
}

function tsvColumns(header: string): TsvColumns | undefined {
  const cols = header.split('\t').map((c) => c.trim().toLowerCase());
  const find = (...names: string[]) => cols.findIndex((c) => names.includes(c));
  const id = find('tweet_id', 'id');
  const createdAt = find('created_at_utc', 'createdat', 'created_at');
  const text = find('text');
  const label = find('label', 'sentiment');
  if (id < 0 || createdAt < 0 || text < 0) return undefined;
  return { id, createdAt, text, label, count: cols.length };
}

function parseTsvLine(line: string, cols: TsvColumns): Parsed {
  let f = line.split('\t');
  // A tab inside the text splits it; the extra fields belong to the text column.
  const extra = f.length - cols.count;
  if (extra > 0) {
    f = [
      ...f.slice(0, cols.text),
      f.slice(cols.text, cols.text + extra + 1).join('\t'),
      ...f.slice(cols.text + extra + 1),
    ];
  }
  const id = f[cols.id];
  const created = f[cols.createdAt];
  if (!id) throw new ValidationError('id is missing');
  const createdMs = created ? Date.parse(created) : Number.NaN;
  if (!Number.isFinite(createdMs))
    throw new ValidationError(`created time '${created}' is not a date`);
  const text = f[cols.text] ?? '';
  const label = cols.label >= 0 ? labelOf(f[cols.label]) : undefined;
  if (label === null) throw new ValidationError(`label '${f[cols.label]}' is not a sentiment`);
  if (label === undefined && text.trim() === '') {
    throw new ValidationError('no sentiment and no text to score');
  }
  return { id, createdMs, text, label };
}

const FIELD: Record<SentimentLabel, keyof BucketCounts> = {
  POSITIVE: 'positive',
  NEGATIVE: 'negative',
  NEUTRAL: 'neutral',
  MIXED: 'mixed',
};

async function runBacktest(opts: BacktestOptions): Promise<BacktestSummary> {
  const volume = opts.signal === 'all';
  const params: DetectionParams = volume
    ? { ...opts.params, minNegativeShare: 0, shareLift: 0, shareZ: 0 }
    : opts.params;
  const widthMs = opts.params.windowMinutes * 60000;
  const windows = new Map<number, BucketCounts>();
  const summary: BacktestSummary = {
    lines: 0,
    mentions: 0,
    invalid: 0,
    invalidSamples: [],
    scored: 0,
    byLabel: { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 },
    windows: 0,
    raised: 0,
    escalated: 0,
    resolved: 0,
    events: [],
  };
  const every = opts.progressEvery ?? 100_000;
  let analyzer: SentimentAnalyzer | undefined;
  let unscored: Parsed[] = [];

  const count = (p: Parsed, label: SentimentLabel) => {
    const key = Math.floor(p.createdMs / widthMs) * widthMs;
    let c = windows.get(key);
    if (!c) {
      c = emptyCounts();
      windows.set(key, c);
    }
    c.total += 1;
    c[FIELD[label]] += 1;
    if (volume && label !== 'NEGATIVE') c.negative += 1;
    summary.mentions += 1;
    summary.byLabel[label] += 1;
  };

  const flush = async () => {
    if (unscored.length === 0) return;
    if (!opts.analyzer) {
      throw new ValidationError('some lines have no sentiment and no analyzer is available');
    }
    analyzer ??= await opts.analyzer();
    const batch = unscored;
    unscored = [];
    const inputs: SentimentInput[] = batch.map((p, i) => ({
      id: String(i),
      text: p.text,
      lang: p.lang,
    }));
    const out = await analyzer.analyze(inputs);
    const byId = new Map(out.map((o) => [o.id, o.sentiment.label]));
    batch.forEach((p, i) => {
      const label = byId.get(String(i));
      if (!label) throw new ValidationError(`analyzer returned no score for mention ${p.id}`);
      summary.scored += 1;
      count(p, label);
    });
  };

  const rl = createInterface({ input: opts.input, crlfDelay: Number.POSITIVE_INFINITY });
  let tsv: TsvColumns | undefined;
  for await (const raw of rl) {
    summary.lines += 1;
    if (summary.lines % every === 0) opts.onProgress?.(summary.lines);
    const line = raw.trim();
    if (line === '') continue;
    if (summary.lines === 1 && !line.startsWith('{')) {
      tsv = tsvColumns(raw);
      if (tsv) continue;
    }
    let p: Parsed;
    try {
      p = tsv ? parseTsvLine(raw, tsv) : parseJsonLine(line);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      summary.invalid += 1;
      if (summary.invalidSamples.length < 20) {
        summary.invalidSamples.push({ line: summary.lines, error: err.message });
      }
      continue;
    }
    if (p.label) count(p, p.label);
    else {
      unscored.push(p);
      if (unscored.length >= BATCH) await flush();
    }
  }
  await flush();

  const starts = [...windows.keys()].sort((a, b) => a - b);
  summary.windows = starts.length;
  if (starts.length > 0) {
    summary.from = new Date(starts[0] as number).toISOString();
    summary.to = new Date((starts[starts.length - 1] as number) + widthMs).toISOString();
  }
  function* ordered(): Generator<WindowCounts> {
    for (const ms of starts) {
      yield { start: new Date(ms).toISOString(), ...(windows.get(ms) as BucketCounts) };
    }
  }
  replayWindows(ordered(), params, (e) => {
    summary.events.push(e);
    summary[e.type] += 1;
    opts.onEvent?.(e);
  });
  return summary;
}

/** The stdout line of one event: the live system's view of it. */
function eventLine(e: DetectorEvent): string {
  return JSON.stringify({
    level: e.level,
    state: e.type,
    raisedAt: e.at,
    episodeStart: e.episodeStart,
    scale: e.scale,
    windowStart: e.windowStart,
    windowEnd: e.windowEnd,
    negative: e.negative,
    total: e.total,
    baseline: e.baseline,
    deviation: e.deviation,
    ratio: e.ratio,
    negativeShare: e.negativeShare,
    reason: e.reason,
  });
}

export { eventLine, runBacktest };
