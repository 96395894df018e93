import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lib/domain/errors.ts';
import { argmax, fromArtifact, MODEL_LABELS } from '../../../lib/sentiment/model.ts';
import {
  DEFAULT_DATA_DIR,
  POLICY_DIR,
  POLICY_HELDOUT_DIR,
  parseArgs,
  REVIEW_DIR,
} from '../../../lib/sentiment/train/args.ts';
import { parseCsv } from '../../../lib/sentiment/train/csv.ts';
import {
  type Example,
  loadExtra,
  loadIndolem,
  loadNusax,
  loadPantauPolicy,
  loadPantauReviews,
  loadPolicyHeldout,
  loadSmsa,
  splitDev,
} from '../../../lib/sentiment/train/data.ts';
import { evaluate } from '../../../lib/sentiment/train/metrics.ts';
import {
  buildArtifact,
  DEFAULT_TRAIN_OPTIONS,
  loadTrainingData,
  type TrainingData,
} from '../../../lib/sentiment/train/pipeline.ts';
import { train } from '../../../lib/sentiment/train/trainer.ts';
import { nearDuplicates } from '../../helpers/near-duplicates.ts';

const POS = [
  'enak sekali',
  'bagus banget',
  'pelayanan ramah',
  'mantap puas',
  'sangat membantu',
  'cepat dan murah',
];
const NEG = [
  'tidak enak',
  'jelek sekali',
  'pelayanan buruk',
  'kecewa berat',
  'lambat dan mahal',
  'rusak parah',
];
const NEU = [
  'besok rapat jam sembilan',
  'kantor buka senin',
  'info pendaftaran',
  'jadwal bus baru',
  'pengumuman resmi',
  'lokasi di jalan sudirman',
];

function tinyData(): TrainingData {
  const train: Example[] = [
    ...POS.map((text) => ({ text, label: 'POSITIVE' as const })),
    ...NEG.map((text) => ({ text, label: 'NEGATIVE' as const })),
    ...NEU.map((text) => ({ text, label: 'NEUTRAL' as const })),
  ];
  return {
    train,
    smsaTrain: train,
    smsaDev: [],
    nusaxValid: [],
    policyTrain: [],
    policyDev: [],
    datasets: [
      {
        name: 'tiny',
        files: [],
        sha256: '0'.repeat(64),
        rows: train.length,
        licence: 'test',
        citation: '',
      },
    ],
    skippedMixed: 0,
  };
}

const smallOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  spec: { ...DEFAULT_TRAIN_OPTIONS.spec, bits: 12 },
  epochs: 20,
};

describe('training', () => {
  it('is deterministic: same data and seed give the same artifact bytes', () => {
    const a = JSON.stringify(buildArtifact(tinyData(), smallOptions));
    const b = JSON.stringify(buildArtifact(tinyData(), smallOptions));
    expect(a).toBe(b);
  });

  it('changes the version when the seed changes the weights', () => {
    const a = buildArtifact(tinyData(), smallOptions);
    const b = buildArtifact(tinyData(), { ...smallOptions, seed: smallOptions.seed + 1 });
    expect(a.manifest.version).not.toBe(b.manifest.version);
  });

  it('learns its training data', () => {
    const model = fromArtifact(buildArtifact(tinyData(), smallOptions));
    const data = tinyData();
    const predicted = data.train.map(
      (e) => MODEL_LABELS[argmax(model.predict(e.text))] as Example['label'],
    );
    expect(
      evaluate(
        data.train.map((e) => e.label),
        predicted,
      ).accuracy,
    ).toBe(1);
  });

  it('prunes exactly the buckets whose largest weight is below the fraction of the largest', () => {
    const full = train(tinyData().train, smallOptions).weights;
    const rows: number[][] = [];
    for (let base = 0; base < full.length; base += 3) {
      rows.push(Array.from(full.subarray(base, base + 3)));
    }
    const rowMax = rows.map((r) => Math.max(...r.map(Math.abs)));
    const maxAbs = Math.max(...rowMax);
    // Cut at the median non-zero row, so some rows go and some stay.
    const live = rowMax.filter((m) => m > 0).sort((a, b) => a - b);
    const fraction = (live[live.length >> 1] as number) / maxAbs;
    const pruned = train(tinyData().train, { ...smallOptions, prune: fraction }).weights;
    let kept = 0;
    let dropped = 0;
    rows.forEach((row, i) => {
      if ((rowMax[i] as number) === 0) return;
      const stays = (rowMax[i] as number) >= fraction * maxAbs;
      expect(Array.from(pruned.subarray(i * 3, i * 3 + 3))).toEqual(stays ? row : [0, 0, 0]);
      if (stays) kept++;
      else dropped++;
    });
    expect(kept).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
  });
});

describe('splitDev', () => {
  it('is a seeded, disjoint 10 % slice', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => i);
    const a = splitDev(rows, 7);
    expect(a.dev).toHaveLength(100);
    expect(a.train).toHaveLength(900);
    expect(new Set([...a.train, ...a.dev]).size).toBe(1000);
    expect(splitDev(rows, 7).dev).toEqual(a.dev);
    expect(splitDev(rows, 8).dev).not.toEqual(a.dev);
  });
});

describe('loadExtra (corrections TSV)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-extra-'));

  it('reads text<TAB>label rows in any case, skipping a header and counting MIXED', () => {
    const file = join(dir, 'ok.tsv');
    writeFileSync(
      file,
      'text\tlabel\njalan rusak\tNEGATIVE\nmantap\tpositive\nrapat besok\tNeutral\ncampur\tMIXED\n\n',
    );
    const r = loadExtra(file);
    expect(r.examples).toEqual([
      { text: 'jalan rusak', label: 'NEGATIVE' },
      { text: 'mantap', label: 'POSITIVE' },
      { text: 'rapat besok', label: 'NEUTRAL' },
    ]);
    expect(r.skippedMixed).toBe(1);
    expect(r.entry.rows).toBe(3);
  });

  it('rejects a line without a label, naming the line', () => {
    const file = join(dir, 'bad.tsv');
    writeFileSync(file, 'jalan rusak\tNEGATIVE\nno label here\n');
    expect(() => loadExtra(file)).toThrow(ValidationError);
    expect(() => loadExtra(file)).toThrow(/line 2/);
  });

  it('rejects an unknown label', () => {
    const file = join(dir, 'label.tsv');
    writeFileSync(file, 'jalan rusak\tANGRY\n');
    expect(() => loadExtra(file)).toThrow(/unknown label 'ANGRY'/);
  });

  it('says which file is missing', () => {
    expect(() => loadExtra(join(dir, 'nope.tsv'))).toThrow(/not found/);
  });
});

describe('Pantau policy-domain posts (models/policy-id/, models/policy-heldout/)', () => {
  const training = loadPantauPolicy(POLICY_DIR);
  const heldout = loadPolicyHeldout(POLICY_HELDOUT_DIR);
  const reviews = loadPantauReviews(REVIEW_DIR);

  it.each([
    ['training', training],
    ['held-out', heldout],
    ['review-style', reviews],
  ])(
    '%s set: every row has one of the three labels, each class well represented, no duplicates',
    (_, set) => {
      expect(set.entry.rows).toBe(set.examples.length);
      expect(set.examples.length).toBeGreaterThanOrEqual(500);
      const byLabel = new Map<string, number>();
      for (const e of set.examples) byLabel.set(e.label, (byLabel.get(e.label) ?? 0) + 1);
      for (const label of MODEL_LABELS) {
        expect(byLabel.get(label) ?? 0).toBeGreaterThan(set.examples.length * 0.2);
      }
      const keys = set.examples.map((e) => e.text.trim().toLowerCase());
      expect(new Set(keys).size).toBe(keys.length);
    },
  );

  it('held-out posts neither repeat nor nearly repeat a training or review-style post (token Jaccard < 0.8)', () => {
    const trainable = [...training.examples, ...reviews.examples].map((e) => e.text);
    const close = nearDuplicates(
      heldout.examples.map((e) => e.text),
      trainable,
      0.8,
    );
    expect(close).toEqual([]);
  });

  it('is used by default and left out with --no-policy', () => {
    expect(parseArgs([]).policy).toBe(true);
    expect(parseArgs(['--no-policy']).policy).toBe(false);
    expect(() => parseArgs(['--no-policy=yes'])).toThrow(ValidationError);
  });

  it('review-style texts are opt-in (--review) and enter training with their weight', () => {
    expect(parseArgs([]).review).toBe(false);
    expect(parseArgs(['--review']).review).toBe(true);
    expect(() => parseArgs(['--review=yes'])).toThrow(ValidationError);
    const data = loadTrainingData(DEFAULT_DATA_DIR, 1, {
      reviewDir: REVIEW_DIR,
      reviewWeight: 0.5,
    });
    const added = data.train.slice(-reviews.examples.length);
    expect(added.map((e) => e.text)).toEqual(reviews.examples.map((e) => e.text));
    expect(new Set(added.map((e) => e.weight))).toEqual(new Set([0.5]));
    expect(data.datasets.map((d) => d.name)).toContain('pantau-review-id');
  });

  it('review-style texts were written new: none nearly repeats a SmSA, NusaX or IndoLEM row', () => {
    const published = [
      ...loadSmsa(DEFAULT_DATA_DIR).examples,
      ...loadNusax(DEFAULT_DATA_DIR, 'train').examples,
      ...loadNusax(DEFAULT_DATA_DIR, 'valid').examples,
      ...loadIndolem(DEFAULT_DATA_DIR).examples,
    ].map((e) => e.text);
    const close = nearDuplicates(
      reviews.examples.map((e) => e.text),
      published,
      0.8,
    );
    expect(close).toEqual([]);
  });
});

describe('nearDuplicates (the independence checks above)', () => {
  it('finds every pair at or above the threshold, whichever tokens they share', () => {
    const refs = ['harga beras naik lagi di pasar induk', 'jalan rusak parah tidak diperbaiki'];
    const found = nearDuplicates(
      [
        'Harga beras naik lagi di pasar induk!', // same tokens: 1
        'harga beras naik lagi di pasar', // 6 of 7: 0.857
        'harga beras turun di pasar induk', // 5 of 8: 0.625
        'kereta terlambat',
      ],
      refs,
      0.8,
    );
    expect(found.map((f) => [f.text, f.reference, Number(f.jaccard.toFixed(3))])).toEqual([
      ['Harga beras naik lagi di pasar induk!', refs[0], 1],
      ['harga beras naik lagi di pasar', refs[0], 0.857],
    ]);
    expect(nearDuplicates(['harga beras turun di pasar induk'], refs, 0.6)).toHaveLength(1);
  });
});

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and newlines inside fields', () => {
    expect(parseCsv('a,b\n"x, ""y""","line1\nline2"\r\nplain,2\n', 't')).toEqual([
      ['a', 'b'],
      ['x, "y"', 'line1\nline2'],
      ['plain', '2'],
    ]);
  });

  it('fails on an unterminated quote', () => {
    expect(() => parseCsv('a\n"oops\n', 't')).toThrow(ValidationError);
  });
});

describe('evaluate', () => {
  it('computes accuracy, per-class F1, macro-F1 and the confusion matrix', () => {
    const r = evaluate(
      ['POSITIVE', 'POSITIVE', 'NEGATIVE', 'NEUTRAL'],
      ['POSITIVE', 'NEGATIVE', 'NEGATIVE', 'NEUTRAL'],
    );
    expect(r.accuracy).toBe(0.75);
    // NEGATIVE: P=1/2, R=1 → 2/3; NEUTRAL: 1; POSITIVE: P=1, R=1/2 → 2/3.
    expect(r.macroF1).toBeCloseTo((2 / 3 + 1 + 2 / 3) / 3, 10);
    expect(r.confusion).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
  });
});
