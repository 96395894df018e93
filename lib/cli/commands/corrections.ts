/**
 * `pantau corrections export [--out FILE] [--data-dir DIR]`: officials' sentiment corrections in
 * the training format (`text<TAB>LABEL`, one a line), for `npm run train:sentiment -- --extra FILE`.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { MentionRepository } from '../../domain/ports.ts';
import { openLocalStore } from '../../local/store.ts';

const summary = 'Export officials’ sentiment corrections as training data (text<TAB>label)';

const USAGE = 'Usage: pantau corrections export [--out FILE] [--data-dir DIR]';

/** Tabs and line breaks inside a post would break the one-line-per-example format. */
function trainingLine(text: string, label: string): string {
  return `${text.replace(/[\t\r\n]+/g, ' ').trim()}\t${label}\n`;
}

async function exportCorrections(
  mentions: Pick<MentionRepository, 'listCorrections'>,
  out: Writable,
): Promise<number> {
  const corrections = await mentions.listCorrections();
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
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--out') outFile = rest[++i];
    else if (rest[i] === '--data-dir') dataDir = rest[++i];
    else {
      console.error(`Unknown option '${rest[i]}'\n${USAGE}`);
      return 2;
    }
  }
  const store = await openLocalStore(dataDir);
  try {
    const out = outFile ? createWriteStream(outFile) : process.stdout;
    const written = await exportCorrections(store.repos.mentions, out);
    if (outFile)
      await new Promise<void>((r, j) =>
        (out as ReturnType<typeof createWriteStream>).end((e?: Error) => (e ? j(e) : r())),
      );
    console.error(`pantau: exported ${written} correction(s)${outFile ? ` to ${outFile}` : ''}`);
    return 0;
  } finally {
    await store.close();
  }
}

export { exportCorrections, run, summary, trainingLine };
