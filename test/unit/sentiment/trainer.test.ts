import { describe, expect, it } from 'vitest';
import { argmax, MODEL_LABELS } from '../../../lib/sentiment/model.ts';
import { labelsWithOffsets, outOfFold, tuneBiasOffsets } from '../../../lib/sentiment/train/cv.ts';
import type { Example } from '../../../lib/sentiment/train/data.ts';
import {
  encode,
  floatModel,
  logCountRatios,
  type TrainOptions,
  train,
} from '../../../lib/sentiment/train/trainer.ts';

const spec = { bits: 12, wordMaxN: 2, charMinN: 0, charMaxN: 0, charLimit: 1200 };
const opts: TrainOptions = {
  spec,
  seed: 7,
  epochs: 20,
  learningRate: 0.2,
  l2: 1e-6,
  balance: 0.5,
};

const rows: Example[] = [
  ...['enak sekali', 'bagus banget', 'pelayanan ramah', 'mantap puas', 'sangat membantu'].map(
    (text) => ({ text, label: 'POSITIVE' as const }),
  ),
  ...['jelek sekali', 'pelayanan buruk', 'kecewa berat', 'lambat dan mahal', 'rusak parah'].map(
    (text) => ({ text, label: 'NEGATIVE' as const }),
  ),
  ...['rapat jam sembilan', 'kantor buka senin', 'info pendaftaran', 'jadwal bus', 'lokasi'].map(
    (text) => ({ text, label: 'NEUTRAL' as const }),
  ),
];

function accuracyOn(examples: Example[], o: TrainOptions): number {
  const t = train(examples, o);
  const model = floatModel(t, o.spec);
  const right = examples.filter(
    (e) => MODEL_LABELS[argmax(model.predict(e.text))] === e.label,
  ).length;
  return right / examples.length;
}

describe('log-count ratios (NB-LR)', () => {
  it('are positive for the class a bucket occurs in and negative for the others', () => {
    const docs = encode(rows, spec);
    const r = logCountRatios(docs, spec, 1);
    const bucketOf = (word: string) =>
      encode([{ text: word, label: 'NEUTRAL' }], spec)[0]?.idx[0] as number;
    const ramah = bucketOf('ramah');
    expect(r[ramah * 3 + 2]).toBeGreaterThan(0);
    expect(r[ramah * 3 + 0]).toBeLessThan(0);
    expect(r[ramah * 3 + 1]).toBeLessThan(0);
    const buruk = bucketOf('buruk');
    expect(r[buruk * 3 + 0]).toBeGreaterThan(0);
    expect(r[buruk * 3 + 2]).toBeLessThan(0);
  });
});

describe('trainer options', () => {
  it('learns the training data with NB-LR, seed ensembles and MNB interpolation', () => {
    expect(accuracyOn(rows, { ...opts, nbAlpha: 1 })).toBe(1);
    expect(accuracyOn(rows, { ...opts, seeds: 3 })).toBe(1);
    expect(accuracyOn(rows, { ...opts, mnbWeight: 0.1 })).toBe(1);
  });

  it('folds NB scaling into plain weights: buckets never seen stay exactly zero', () => {
    const t = train(rows, { ...opts, nbAlpha: 1 });
    const seen = new Set<number>();
    for (const d of encode(rows, spec)) for (const j of d.idx) seen.add(j);
    let nonZeroUnseen = 0;
    for (let b = 0; b < 1 << spec.bits; b++) {
      if (seen.has(b)) continue;
      for (let c = 0; c < 3; c++) if (t.weights[b * 3 + c] !== 0) nonZeroUnseen++;
    }
    expect(nonZeroUnseen).toBe(0);
  });

  it('is deterministic with a seed ensemble and differs from a single seed', () => {
    const a = train(rows, { ...opts, seeds: 3 });
    const b = train(rows, { ...opts, seeds: 3 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(Array.from(train(rows, opts).weights)).not.toEqual(Array.from(a.weights));
  });
});

describe('cross-validation', () => {
  it('scores every target row once, by a model trained without it', () => {
    // Each target row is a word seen nowhere else: a model that never saw it cannot know its
    // label, so the out-of-fold scores for it are the prior, not the memorised answer.
    const target: Example[] = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((text) => ({
      text,
      label: 'POSITIVE',
    }));
    const oof = outOfFold(target, rows, { ...opts, balance: 0 }, 5);
    expect(oof.gold).toHaveLength(5);
    const inSample = train([...target, ...rows], { ...opts, balance: 0 });
    const model = floatModel(inSample, spec);
    for (let i = 0; i < target.length; i++) {
      const memorised = Math.log(model.predict(target[i]?.text ?? '')[2] as number);
      expect(oof.logp[i * 3 + 2]).toBeLessThan(memorised);
    }
  });

  it('moves the class biases only when that raises out-of-fold macro-F1', () => {
    const gold = ['NEGATIVE', 'NEUTRAL', 'NEUTRAL', 'POSITIVE'] as const;
    // Neutral rows lose narrowly to a polar class: a neutral offset fixes them.
    const shy = Float64Array.from(
      [
        [0.8, 0.1, 0.1],
        [0.45, 0.4, 0.15],
        [0.15, 0.4, 0.45],
        [0.1, 0.1, 0.8],
      ].flatMap((p) => p.map(Math.log)),
    );
    const tuned = tuneBiasOffsets({ logp: shy, gold: [...gold] });
    expect(tuned.macroF1).toBe(1);
    expect(tuned.offsets[1]).toBeGreaterThan(0);
    expect(labelsWithOffsets(shy, tuned.offsets)).toEqual([...gold]);
    const clear = Float64Array.from(
      [
        [0.8, 0.1, 0.1],
        [0.1, 0.8, 0.1],
        [0.1, 0.8, 0.1],
        [0.1, 0.1, 0.8],
      ].flatMap((p) => p.map(Math.log)),
    );
    expect(tuneBiasOffsets({ logp: clear, gold: [...gold] }).offsets).toEqual([0, 0, 0]);
  });
});

describe('row weights', () => {
  function labelOf(examples: Example[], text: string): string {
    const t = train(examples, opts);
    const model = floatModel(t, opts.spec);
    return MODEL_LABELS[argmax(model.predict(text))] as string;
  }

  it('let the heavier of two contradicting rows decide', () => {
    const conflict = (posWeight: number, negWeight: number): Example[] => [
      ...rows,
      { text: 'antrean puskesmas', label: 'POSITIVE', weight: posWeight },
      { text: 'antrean puskesmas', label: 'NEGATIVE', weight: negWeight },
    ];
    expect(labelOf(conflict(4, 1), 'antrean puskesmas')).toBe('POSITIVE');
    expect(labelOf(conflict(1, 4), 'antrean puskesmas')).toBe('NEGATIVE');
  });

  it('of 1 train exactly what unweighted rows train', () => {
    const weighted = rows.map((r) => ({ ...r, weight: 1 }));
    const a = train(rows, opts);
    const b = train(weighted, opts);
    expect(Buffer.from(b.weights.buffer).equals(Buffer.from(a.weights.buffer))).toBe(true);
    expect([...b.bias]).toEqual([...a.bias]);
  });
});
