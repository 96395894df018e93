/**
 * `pantau backtest --posts FILE [--issue FILE]`: replays timestamped mentions through the crisis
 * detector exactly as the detect Lambda runs it, one JSON line per alert event on stdout, a
 * progress indicator and a summary on stderr.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { eventLine, runBacktest } from '../../detection/backtest.ts';
import { type DetectionParams, resolveParams } from '../../detection/index.ts';
import { errorMessage, ValidationError } from '../../domain/errors.ts';

const summary = 'Replay timestamped mentions through the crisis detector (JSON lines out)';

const USAGE = `Usage: pantau backtest --posts FILE [--issue FILE]
  --posts FILE  mentions, one JSON object a line:
                {"id","source","text","createdAt","author"?,"lang"?,"sentiment"?}
                (sentiment POSITIVE/NEGATIVE/NEUTRAL/MIXED; scored by the built-in model when
                absent). A TSV with a header (tweet_id, created_at_utc, text, label) also works.
                '-' reads stdin.
  --issue FILE  detector parameters as JSON: either the parameters themselves or an issue
                with a "detector" field. Unset fields take the defaults.
  --signal all  count every mention as negative: a volume-spike replay (default: negative)
Output: one JSON line per alert raised, escalated or resolved:
  {"level","state","raisedAt","windowStart","windowEnd","negative","total","baseline","reason",...}
Exit code: 0; 1 when some lines were invalid (they are listed on stderr); 2 on bad usage.`;

async function loadParams(file: string | undefined): Promise<DetectionParams> {
  if (!file) return resolveParams({});
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ValidationError(`--issue ${file}: ${errorMessage(err)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError(`--issue ${file}: expected a JSON object`);
  }
  const obj = raw as Record<string, unknown>;
  const detector = 'detector' in obj ? obj.detector : obj;
  return resolveParams(detector as Partial<DetectionParams>);
}

async function run(argv: string[]): Promise<number> {
  let posts: string | undefined;
  let issue: string | undefined;
  let signal: 'negative' | 'all' = 'negative';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    }
    if (a === '--signal') {
      const v = argv[++i];
      if (v !== 'negative' && v !== 'all') {
        console.error(`pantau backtest: --signal is 'negative' or 'all'\n\n${USAGE}`);
        return 2;
      }
      signal = v;
    } else if (a === '--posts' || a === '--issue') {
      const v = argv[++i];
      if (!v) {
        console.error(`pantau backtest: ${a} needs a file\n\n${USAGE}`);
        return 2;
      }
      if (a === '--posts') posts = v;
      else issue = v;
    } else {
      console.error(`pantau backtest: unknown option '${a}'\n\n${USAGE}`);
      return 2;
    }
  }
  if (!posts) {
    console.error(`pantau backtest: --posts is required\n\n${USAGE}`);
    return 2;
  }
  const params = await loadParams(issue);
  const input = posts === '-' ? process.stdin : createReadStream(posts);
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  const result = await runBacktest({
    input,
    params,
    signal,
    analyzer: async () => (await import('../../sentiment/index.ts')).createBuiltinAnalyzer(),
    onEvent: (e) => process.stdout.write(`${eventLine(e)}\n`),
    progressEvery: tty ? 50_000 : 250_000,
    onProgress: (n) => {
      const rate = Math.round(n / ((performance.now() - started) / 1000));
      const msg = `backtest: ${n.toLocaleString('en')} lines (${rate.toLocaleString('en')}/s)`;
      process.stderr.write(tty ? `\r${msg}` : `${msg}\n`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  if (tty) process.stderr.write('\n');
  const l = result.byLabel;
  const lines = [
    `backtest: ${result.lines.toLocaleString('en')} lines, ${result.mentions.toLocaleString('en')} mentions ` +
      `(${result.scored.toLocaleString('en')} scored by the built-in model), ${result.invalid} invalid`,
    `  sentiment: ${l.NEGATIVE} negative, ${l.POSITIVE} positive, ${l.NEUTRAL} neutral, ${l.MIXED} mixed`,
    `  windows: ${result.windows} non-empty ${params.windowMinutes}-minute windows` +
      (result.from ? ` from ${result.from} to ${result.to}` : ''),
    `  alerts: ${result.raised} raised, ${result.escalated} escalated, ${result.resolved} resolved`,
    `  time: ${seconds.toFixed(2)} s, ${Math.round(result.lines / Math.max(seconds, 1e-9)).toLocaleString('en')} lines/s`,
  ];
  for (const bad of result.invalidSamples) lines.push(`  invalid line ${bad.line}: ${bad.error}`);
  if (result.invalid > result.invalidSamples.length) {
    lines.push(`  ... and ${result.invalid - result.invalidSamples.length} more invalid lines`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  return result.invalid > 0 ? 1 : 0;
}

export { run, summary };
