/**
 * Line-streaming scorer behind `pantau sentiment`: UTF-8 text in, one post per line; one JSON
 * object per line out, in input order. Works in fixed-size batches with backpressure, so memory
 * stays flat however many lines arrive.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { SentimentAnalyzer } from '../domain/ports.ts';

interface StreamOptions {
  analyzer: SentimentAnalyzer;
  /** Source language tag applied to every line, if known. */
  lang?: string;
  batchSize?: number;
}

async function writeChunk(output: Writable, chunk: string): Promise<void> {
  if (!output.write(chunk)) await once(output, 'drain');
}

/** Returns the number of lines scored. */
async function scoreLines(input: Readable, output: Writable, opts: StreamOptions): Promise<number> {
  const batchSize = opts.batchSize ?? 256;
  input.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let batch: string[] = [];
  let count = 0;

  async function flush(): Promise<void> {
    if (batch.length === 0) return;
    const base = count;
    const outputs = await opts.analyzer.analyze(
      batch.map((text, i) => ({ id: String(base + i), text, lang: opts.lang })),
    );
    const chunk = outputs
      .map(
        (o) =>
          `${JSON.stringify({
            label: o.sentiment.label,
            scores: o.sentiment.scores,
            lang: o.lang,
            engine: o.sentiment.engine,
            model: o.sentiment.model,
          })}\n`,
      )
      .join('');
    count += batch.length;
    batch = [];
    await writeChunk(output, chunk);
  }

  for await (const line of lines) {
    batch.push(line);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return count;
}

export type { StreamOptions };
export { scoreLines };
