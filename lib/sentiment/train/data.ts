/**
 * Dataset loaders. Only SmSA, NusaX and IndoLEM may go into the shipped model (their licences
 * allow it with attribution); the policy-domain tweet sets are loaded for out-of-domain
 * evaluation only and there is no code path that trains on them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../domain/errors.ts';
import { mulberry32 } from '../../runtime/seeded-random.ts';
import type { DatasetEntry, ModelLabel } from '../model.ts';
import { parseCsvObjects } from './csv.ts';

interface Example {
  text: string;
  label: ModelLabel;
  /** Weight of the row in training (absent = 1). */
  weight?: number;
}

/** One file of a folder-backed dataset, for per-file figures. */
interface FolderPart {
  file: string;
  examples: Example[];
}

interface LoadedDataset {
  entry: DatasetEntry;
  examples: Example[];
}

function readText(path: string): string {
  if (!existsSync(path)) throw new ValidationError(`Data file not found: ${path} (set --data DIR)`);
  return readFileSync(path, 'utf8');
}

function sha256Of(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

function wordLabel(raw: string, source: string, row: number): ModelLabel {
  switch (raw.trim().toLowerCase()) {
    case 'positive':
    case 'pos':
    case '1':
    case '1.0':
      return 'POSITIVE';
    case 'negative':
    case 'neg':
    case '-1':
    case '-1.0':
      return 'NEGATIVE';
    case 'neutral':
    case 'neu':
    case '0':
    case '0.0':
      return 'NEUTRAL';
    default:
      throw new ValidationError(`${source}: row ${row} has unknown label '${raw}'`);
  }
}

function loadSmsa(dataDir: string): LoadedDataset {
  const file = 'smsa/train.tsv';
  const raw = readText(join(dataDir, file));
  const examples: Example[] = [];
  raw.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.lastIndexOf('\t');
    if (tab < 0) throw new ValidationError(`${file}: line ${i + 1} has no tab`);
    examples.push({ text: line.slice(0, tab), label: wordLabel(line.slice(tab + 1), file, i + 1) });
  });
  return {
    entry: {
      name: 'smsa',
      files: [file],
      sha256: sha256Of([raw]),
      rows: examples.length,
      licence: 'CC BY-SA 4.0 (NusaCrowd/SEACrowd catalogues); IndoNLU repository Apache-2.0',
      citation: 'Purwarianti & Crisdayanti, ICAICTA 2019; Wilie et al., IndoNLU, AACL-IJCNLP 2020',
    },
    examples,
  };
}

function loadNusax(dataDir: string, split: 'train' | 'valid' | 'test'): LoadedDataset {
  const file = `nusax-senti-id/${split}.csv`;
  const raw = readText(join(dataDir, file));
  const examples = parseCsvObjects(raw, file).map((r, i) => ({
    text: r.text ?? '',
    label: wordLabel(r.label ?? '', file, i + 2),
  }));
  return {
    entry: {
      name: `nusax-senti-id/${split}`,
      files: [file],
      sha256: sha256Of([raw]),
      rows: examples.length,
      licence: 'CC BY-SA 4.0',
      citation: 'Winata et al., NusaX, EACL 2023',
    },
    examples,
  };
}

/** The five IndoLEM folds hold the same 5,048 rows; fold 0's train+dev+test is all of them. */
function loadIndolem(dataDir: string): LoadedDataset {
  const files = ['train0.csv', 'dev0.csv', 'test0.csv'].map((f) => `indolem-sentiment/${f}`);
  const raws = files.map((f) => readText(join(dataDir, f)));
  const seen = new Set<string>();
  const examples: Example[] = [];
  raws.forEach((raw, k) => {
    parseCsvObjects(raw, files[k] as string).forEach((r, i) => {
      const text = r.sentence ?? '';
      if (seen.has(text)) return;
      seen.add(text);
      const s = (r.sentiment ?? '').trim();
      if (s !== '0' && s !== '1')
        throw new ValidationError(`${files[k]}: row ${i + 2} has unknown label '${s}'`);
      examples.push({ text, label: s === '1' ? 'POSITIVE' : 'NEGATIVE' });
    });
  });
  return {
    entry: {
      name: 'indolem-sentiment',
      files,
      sha256: sha256Of(raws),
      rows: examples.length,
      licence: 'CC BY-SA 4.0 per NusaCrowd/SEACrowd catalogues (no licence file upstream)',
      citation: 'Koto et al., IndoLEM and IndoBERT, COLING 2020',
    },
    examples,
  };
}

/** Out-of-domain, evaluation only: COVID-19 vaccine tweets (no licence stated). */
function loadVaccines(dataDir: string): LoadedDataset {
  const file = 'id-vaccines-tweets/id_vaccines_tweets.csv';
  const raw = readText(join(dataDir, file));
  const examples = parseCsvObjects(raw, file).map((r, i) => ({
    text: r.norm ?? '',
    label: wordLabel(r.posneg ?? '', file, i + 2),
  }));
  return { entry: evalOnlyEntry('id-vaccines-tweets', [file], raw, examples.length), examples };
}

/** Out-of-domain, evaluation only: ID-SA general tweets (no licence stated, noisy labels). */
function loadIdsa(dataDir: string): LoadedDataset {
  const file = 'idsa/idsa_labeled.tsv';
  const raw = readText(join(dataDir, file));
  const examples: Example[] = [];
  raw.split('\n').forEach((line, i) => {
    if (i === 0 || line.trim() === '') return;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new ValidationError(`${file}: line ${i + 1} has no tab`);
    examples.push({ text: line.slice(tab + 1), label: wordLabel(line.slice(0, tab), file, i + 1) });
  });
  return { entry: evalOnlyEntry('idsa', [file], raw, examples.length), examples };
}

/** Out-of-domain, evaluation only: IKN capital-relocation tweets (test fixture licence). */
function loadIkn(dataDir: string): LoadedDataset {
  const file = 'ikn-timeline/ikn_replay.tsv';
  const raw = readText(join(dataDir, file));
  const examples: Example[] = [];
  raw.split('\n').forEach((line, i) => {
    if (i === 0 || line.trim() === '') return;
    const cols = line.split('\t');
    if (cols.length !== 4)
      throw new ValidationError(`${file}: line ${i + 1} has ${cols.length} columns`);
    const label = (cols[3] as string).trim();
    if (label === '') return;
    examples.push({ text: cols[2] as string, label: wordLabel(label, file, i + 1) });
  });
  return { entry: evalOnlyEntry('ikn-timeline', [file], raw, examples.length), examples };
}

function evalOnlyEntry(name: string, files: string[], raw: string, rows: number): DatasetEntry {
  return {
    name,
    files,
    sha256: sha256Of([raw]),
    rows,
    licence: 'none stated: evaluation only, never trained on',
    citation: '',
  };
}

/**
 * Corrections exported by `pantau corrections export`: `text<TAB>label`, label one of
 * POSITIVE/NEGATIVE/NEUTRAL (any case). MIXED rows cannot train a three-class model and are
 * counted as skipped; any other malformed line is an error naming the line.
 */
function loadExtra(path: string): LoadedDataset & { skippedMixed: number } {
  return loadLabelledTsv(path, 'corrections', 'Pantau users’ corrections', '');
}

/**
 * Pantau's own labelled policy-domain posts (models/policy-id/*.tsv, see models/README.md):
 * written for Pantau, same format as the corrections, same licence as the repository.
 */
function loadPantauPolicy(dir: string): LoadedDataset {
  return loadTsvFolder(
    dir,
    'pantau-policy-id',
    'Apache-2.0 (authored for Pantau; see models/README.md)',
    'Pantau project, models/policy-id/',
  );
}

/**
 * Pantau's own labelled review-and-comment texts (models/review-id/*.tsv): SmSA's kind of text
 * (reviews, brand and customer-service exchanges, political comments and headlines), written new
 * for Pantau by authors who did not read any dataset; same format and licence as the policy posts.
 */
function loadPantauReviews(dir: string): LoadedDataset {
  return loadTsvFolder(
    dir,
    'pantau-review-id',
    'Apache-2.0 (authored for Pantau; see models/README.md)',
    'Pantau project, models/review-id/',
  );
}

/**
 * Pantau's held-out policy-domain posts (models/policy-heldout/*.tsv): written by authors who
 * never saw the training posts; never trained or tuned on, only reported.
 */
function loadPolicyHeldout(dir: string): LoadedDataset & { parts: FolderPart[] } {
  return loadTsvFolder(
    dir,
    'pantau-policy-heldout',
    'Apache-2.0 (authored for Pantau; evaluation only)',
    'Pantau project, models/policy-heldout/',
  );
}

/**
 * Every `.tsv` in a folder, read in name order so the manifest's hash and the training order do
 * not depend on the file system.
 */
function loadTsvFolder(
  dir: string,
  name: string,
  licence: string,
  citation: string,
): LoadedDataset & { parts: FolderPart[] } {
  if (!existsSync(dir)) throw new ValidationError(`Folder not found: ${dir}`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tsv'))
    .sort();
  if (files.length === 0) throw new ValidationError(`${dir}: no .tsv files`);
  const raws: string[] = [];
  const examples: Example[] = [];
  const parts: FolderPart[] = [];
  for (const f of files) {
    const raw = readText(join(dir, f));
    const one = parseLabelledTsv(raw, join(dir, f));
    if (one.skippedMixed > 0) throw new ValidationError(`${dir}/${f}: MIXED is not a label here`);
    raws.push(raw);
    examples.push(...one.examples);
    parts.push({ file: f, examples: one.examples });
  }
  const folder = dir.split('/').filter(Boolean).pop() ?? dir;
  return {
    entry: {
      name,
      files: files.map((f) => `${folder}/${f}`),
      sha256: sha256Of(raws),
      rows: examples.length,
      licence,
      citation,
    },
    examples,
    parts,
  };
}

function loadLabelledTsv(
  path: string,
  name: string,
  licence: string,
  citation: string,
): LoadedDataset & { skippedMixed: number } {
  const raw = readText(path);
  const { examples, skippedMixed } = parseLabelledTsv(raw, path);
  return {
    entry: {
      name,
      files: [path.split('/').pop() ?? path],
      sha256: sha256Of([raw]),
      rows: examples.length,
      licence,
      citation,
    },
    examples,
    skippedMixed,
  };
}

/** `text<TAB>label` lines, an optional `text<TAB>label` header; MIXED rows counted, not kept. */
function parseLabelledTsv(
  raw: string,
  path: string,
): { examples: Example[]; skippedMixed: number } {
  const examples: Example[] = [];
  let skippedMixed = 0;
  raw.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.lastIndexOf('\t');
    if (tab <= 0) throw new ValidationError(`${path}: line ${i + 1} is not 'text<TAB>label'`);
    const label = line.slice(tab + 1).trim();
    if (i === 0 && label.toLowerCase() === 'label') return;
    if (label.toUpperCase() === 'MIXED') {
      skippedMixed++;
      return;
    }
    examples.push({ text: line.slice(0, tab), label: wordLabel(label, path, i + 1) });
  });
  return { examples, skippedMixed };
}

function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** The seeded 10 % dev slice of SmSA train: the only data hyper-parameters are tuned on. */
function splitDev<T>(rows: T[], seed: number, fraction = 0.1): { train: T[]; dev: T[] } {
  const order = shuffleInPlace(
    rows.map((_, i) => i),
    mulberry32(seed),
  );
  const devCount = Math.round(rows.length * fraction);
  const devIdx = new Set(order.slice(0, devCount));
  return {
    train: rows.filter((_, i) => !devIdx.has(i)),
    dev: rows.filter((_, i) => devIdx.has(i)),
  };
}

export type { Example, LoadedDataset };
export {
  loadExtra,
  loadIdsa,
  loadIkn,
  loadIndolem,
  loadNusax,
  loadPantauPolicy,
  loadPantauReviews,
  loadPolicyHeldout,
  loadSmsa,
  loadVaccines,
  shuffleInPlace,
  splitDev,
};
