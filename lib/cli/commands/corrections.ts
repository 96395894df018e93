/**
 * `pantau corrections export [--origin all|manual|review-sample|review-uncertain] [--out FILE]
 * [--data-dir DIR]`: officials' sentiment corrections in the training format (`text<TAB>LABEL`,
 * one a line), for `npm run train:sentiment -- --extra FILE`. `--origin` keeps one kind: the
 * random-sample answers alone make a held-out file that measures the model (they must then stay
 * out of training), the least-certain ones teach it most.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { MentionRepository } from '../../domain/ports.ts';
import { CORRECTION_ORIGINS, type CorrectionOrigin } from '../../domain/types.ts';
import { openLocalStore } from '../../local/store.ts';

const summary = 'Export officials’ sentiment corrections as training data (text<TAB>label)';

const ORIGIN_CHOICES = ['all', ...CORRECTION_ORIGINS];

const USAGE = `Usage: pantau corrections export [--origin ${ORIGIN_CHOICES.join('|')}] [--out FILE] [--data-dir DIR]`;

/** Tabs and line breaks inside a post would break the one-line-per-example format. */
function trainingLine(text: string, label: string): string {
  return `${text.replace(/[\t\r\n]+/g, ' ').trim()}\t${label}\n`;
}

async function exportCorrections(
  mentions: Pick<MentionRepository, 'listCorrections'>,
  out: Writable,
  origin: CorrectionOrigin | 'all' = 'all',
): Promise<number> {
  const corrections = await mentions.listCorrections(origin === 'all' ? {} : { origin });
  let written = 0;
  for (const c of corrections) {
    if (c.text.trim() === '') continue;
    out.write(trainingLine(c.text, c.label));
    written += 1;
  }
  return written;
}

async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'export') {
    console.error(USAGE);
    return 2;
  }
  let outFile: string | undefined;
  let dataDir: string | undefined;
  let origin: CorrectionOrigin | 'all' = 'all';
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--out' || flag === '--data-dir' || flag === '--origin') {
      const value = rest[++i];
      if (value === undefined || value.startsWith('--')) {
        console.error(`Option '${flag}' needs a value\n${USAGE}`);
        return 2;
      }
      if (flag === '--out') outFile = value;
      else if (flag === '--data-dir') dataDir = value;
      else if (!ORIGIN_CHOICES.includes(value)) {
        console.error(
          `Unknown origin '${value}': must be one of ${ORIGIN_CHOICES.join(', ')}\n${USAGE}`,
        );
        return 2;
      } else origin = value as CorrectionOrigin | 'all';
    } else {
      console.error(`Unknown option '${flag}'\n${USAGE}`);
      return 2;
    }
  }
  const store = await openLocalStore(dataDir);
  try {
    const out = outFile ? createWriteStream(outFile) : process.stdout;
    const written = await exportCorrections(store.repos.mentions, out, origin);
    if (outFile)
      await new Promise<void>((r, j) =>
        (out as ReturnType<typeof createWriteStream>).end((e?: Error) => (e ? j(e) : r())),
      );
    const kind = origin === 'all' ? '' : ` (origin ${origin})`;
    console.error(
      `pantau: exported ${written} correction(s)${kind}${outFile ? ` to ${outFile}` : ''}`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

export { exportCorrections, run, summary, trainingLine };
