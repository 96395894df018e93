/**
 * Golden check for speed work on the sentiment tokenizer and language ID: both must give the same
 * answers after an optimisation as before it. Runs `tokenize` and `detectLanguage` (with several
 * source tags) over every text in ../shared/data's sentiment sets and hashes the outputs.
 *
 *   npx tsx test/bench/sentiment-golden.ts           prints the hashes
 *   npx tsx test/bench/sentiment-golden.ts --check   also compares with sentiment-golden.json
 *   npx tsx test/bench/sentiment-golden.ts --write   records the current hashes there
 *
 * The recorded hashes cover tokens and language decisions: they change legitimately when
 * lexicon.ts or the language markers change (re-record then, on purpose). The raw probabilities'
 * hash (every bit of `predict`, so feature and model speed work cannot drift) is recorded with the
 * model version it was taken with and checked only against that version, because the model is
 * retrained independently. So is the scores hash (labels, i.e. the abstain rule's decisions,
 * and the rounded scores), which guards speed work on abstain.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBuiltinModel, scoreBuiltin } from '../../lib/sentiment/builtin.ts';
import { detectLanguage } from '../../lib/sentiment/language.ts';
import { tokenize } from '../../lib/sentiment/normalize.ts';
import { parseCsv } from '../../lib/sentiment/train/csv.ts';

const here = dirname(fileURLToPath(import.meta.url));
const GOLDEN_FILE = join(here, 'sentiment-golden.json');
const DATA_DIR = resolve(process.env.PANTAU_DATA_DIR ?? join(here, '../../../shared/data'));

/** Source tags the language check runs with: none, X's Indonesian tag, a neighbour, English. */
const HINTS = [undefined, 'in', 'ms', 'en'] as const;

/** [file, column names holding text]; TSV files without a header give column indices. */
const SOURCES: [string, (string | number)[]][] = [
  ['smsa/train.tsv', [0]],
  ['nusax-senti-id/train.csv', ['text']],
  ['nusax-senti-id/valid.csv', ['text']],
  ['nusax-senti-id/test.csv', ['text']],
  // Every fold holds the same rows; one fold's three files cover them all.
  ['indolem-sentiment/train0.csv', ['sentence']],
  ['indolem-sentiment/dev0.csv', ['sentence']],
  ['indolem-sentiment/test0.csv', ['sentence']],
  ['idsa/idsa_labeled.tsv', ['Tweet']],
  ['id-vaccines-tweets/id_vaccines_tweets.csv', ['norm', 'formal']],
  ['ikn-timeline/nusantara_tweets.csv', ['tweets']],
  ['ikn-timeline/ikn_replay.tsv', ['text']],
];

function readTexts(file: string, columns: (string | number)[]): string[] {
  const raw = readFileSync(join(DATA_DIR, file), 'utf8');
  if (file.endsWith('.tsv')) {
    const lines = raw.split('\n').filter((l) => l.length > 0);
    const header = typeof columns[0] === 'string' ? (lines.shift() ?? '').split('\t') : [];
    return lines.flatMap((line) => {
      const cells = line.split('\t');
      return columns.map((c) => cells[typeof c === 'number' ? c : header.indexOf(c)] ?? '');
    });
  }
  const [header = [], ...rows] = parseCsv(raw, file);
  return rows.flatMap((cells) => columns.map((c) => cells[header.indexOf(c as string)] ?? ''));
}

interface Golden {
  texts: number;
  tokens: string;
  language: string;
  /** Model version the probabilities hash belongs to. */
  model?: string;
  probabilities?: string;
  /** Labels (abstain decisions included) and rounded scores, for the same model version. */
  scores?: string;
}

function main(): number {
  if (!existsSync(DATA_DIR)) {
    process.stderr.write(`No data at ${DATA_DIR} (set PANTAU_DATA_DIR)\n`);
    return 2;
  }
  const texts = SOURCES.flatMap(([file, cols]) => readTexts(file, cols));
  const tokens = createHash('sha256');
  const language = createHash('sha256');
  const scores = createHash('sha256');
  // Raw model probabilities, bit for bit (the stored scores above are rounded to 4 places).
  const probabilities = createHash('sha256');
  const model = loadBuiltinModel();
  const scoredAt = '2026-01-01T00:00:00.000Z';
  for (const text of texts) {
    tokens.update(`${tokenize(text).join('\u0001')}\u0002`);
    for (const hint of HINTS) {
      const { lang, confidence } = detectLanguage(text, hint);
      language.update(`${lang}:${confidence}\u0002`);
    }
    const p = model.predict(text);
    probabilities.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    const s = scoreBuiltin(model, text, scoredAt);
    scores.update(`${s.label}:${JSON.stringify(s.scores)}\u0002`);
  }
  const current: Golden = {
    texts: texts.length,
    tokens: tokens.digest('hex'),
    language: language.digest('hex'),
    model: model.version,
    probabilities: probabilities.digest('hex'),
    scores: scores.digest('hex'),
  };
  process.stdout.write(`${JSON.stringify(current, null, 2)}\n`);

  if (process.argv.includes('--write')) {
    writeFileSync(GOLDEN_FILE, `${JSON.stringify(current, null, 2)}\n`);
    process.stdout.write(`recorded in ${GOLDEN_FILE}\n`);
  }
  if (process.argv.includes('--check')) {
    const recorded = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Golden;
    const keys: (keyof Golden)[] = ['texts', 'tokens', 'language'];
    if (recorded.model === current.model) {
      keys.push('probabilities');
      // Recorded later than the probabilities: older records lack it.
      if (recorded.scores !== undefined) keys.push('scores');
    } else
      process.stdout.write(
        `probabilities and scores: not checked (recorded for ${recorded.model})\n`,
      );
    const diffs = keys.filter((k) => recorded[k] !== current[k]);
    process.stdout.write(diffs.length === 0 ? 'golden: match\n' : `golden: DIFFER in ${diffs}\n`);
    return diffs.length === 0 ? 0 : 1;
  }
  return 0;
}

process.exitCode = main();
