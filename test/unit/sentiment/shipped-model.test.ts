import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinModel, scoreBuiltin } from '../../../lib/sentiment/builtin.ts';
import { BUILTIN_MODEL_VERSION, createBuiltinAnalyzer } from '../../../lib/sentiment/index.ts';
import { detectLanguage } from '../../../lib/sentiment/language.ts';
import { fromArtifact, type ModelArtifact } from '../../../lib/sentiment/model.ts';
import artifactJson from '../../../models/sentiment-id.json' with { type: 'json' };

const artifact = artifactJson as unknown as ModelArtifact;
const SHIPPABLE = new Set([
  'smsa',
  'nusax-senti-id/train',
  'indolem-sentiment',
  'pantau-policy-id',
  'corrections',
]);

/** Clear cases a useful model must get right; informal spelling on purpose. */
const CLEAR: [string, 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL'][] = [
  ['makanannya enak banget, pelayanannya ramah, pasti balik lagi', 'POSITIVE'],
  ['terima kasih pak wali kota, jalan di depan rumah sudah diperbaiki dan mulus 👍', 'POSITIVE'],
  ['mantap, pendaftaran bpjs sekarang cepat dan gampang lewat aplikasi', 'POSITIVE'],
  ['alhamdulillah bansos sudah cair tepat waktu, sangat membantu keluarga kami', 'POSITIVE'],
  ['keren, busnya bersih, tepat waktu dan murah', 'POSITIVE'],
  ['pelayanan puskesmas buruk sekali, antri 5 jam gak dipanggil2 😡', 'NEGATIVE'],
  ['harga beras naik terus, rakyat kecil makin susah, pemerintah ke mana?', 'NEGATIVE'],
  ['kecewa berat, izin usaha udh 3 bulan gak jelas nasibnya', 'NEGATIVE'],
  ['jalannya rusak parah, banyak lubang, sudah ada yang kecelakaan', 'NEGATIVE'],
  ['banjir lagi banjir lagi, drainase gak pernah dibenerin, parah', 'NEGATIVE'],
  ['sinyalnya jelek banget, lemot, nyesel pakai provider ini', 'NEGATIVE'],
  ['makanannya tidak enak dan mahal', 'NEGATIVE'],
  ['gak jelek kok, malah enak banget', 'POSITIVE'],
  // Policy-domain posts: news and questions full of problem words carry no stance.
  [
    '350 rumah terendam banjir di Kecamatan Cileungsi, BPBD mendirikan dua posko pengungsian',
    'NEUTRAL',
  ],
  ['Pencairan BLT tahap kedua dimulai Senin di kantor pos terdekat, bawa KTP dan KK', 'NEUTRAL'],
  [
    'harga beras medium di pasar induk hari ini Rp 13.500 per kg, naik 300 rupiah dari pekan lalu',
    'NEUTRAL',
  ],
  ['syarat daftar KIP Kuliah apa aja ya min?', 'NEUTRAL'],
  ['mantap, bbm naik lagi pas gajian belum cair 👏👏', 'NEGATIVE'],
  ['puskesmas sekarang pelayanannya cepet, gak ribet sama sekali', 'POSITIVE'],
  ['udah 3 bulan lapor lampu jalan mati gak ada tindakan, gelap gulita tiap malem', 'NEGATIVE'],
];

describe('shipped model artifact', () => {
  it('is at most 5 MB on disk', () => {
    const size = statSync(join(import.meta.dirname, '../../../models/sentiment-id.json')).size;
    expect(size).toBeLessThanOrEqual(5 * 1024 * 1024);
  });

  it('names every dataset it was trained on, each one licensed for shipping', () => {
    const names = artifact.manifest.datasets.map((d) => d.name);
    expect(names).toContain('smsa');
    for (const d of artifact.manifest.datasets) {
      expect(SHIPPABLE.has(d.name), `dataset ${d.name} must be ship-safe`).toBe(true);
      expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(d.rows).toBeGreaterThan(0);
    }
  });

  it('carries the version the analyzer stamps on scores', () => {
    expect(BUILTIN_MODEL_VERSION).toBe(artifact.manifest.version);
    expect(BUILTIN_MODEL_VERSION).toMatch(/^id-lr-\d+\.\d+\.\d+-[0-9a-f]{8}$/);
  });

  it('rejects an artifact of another format or a truncated weight table', () => {
    expect(() => fromArtifact({ ...artifact, format: 'other' as ModelArtifact['format'] })).toThrow(
      /format/,
    );
    expect(() => fromArtifact({ ...artifact, weights: artifact.weights.slice(0, 1000) })).toThrow(
      /weights/,
    );
  });
});

describe('createBuiltinAnalyzer', () => {
  it('scores clear Indonesian examples correctly', async () => {
    const analyzer = createBuiltinAnalyzer();
    const out = await analyzer.analyze(CLEAR.map(([text], i) => ({ id: String(i), text })));
    const wrong = out
      .map((o, i) => ({ text: CLEAR[i]?.[0], want: CLEAR[i]?.[1], got: o.sentiment.label }))
      .filter((r) => r.want !== r.got);
    expect(wrong).toEqual([]);
  });

  it('flips with negation', async () => {
    const analyzer = createBuiltinAnalyzer();
    const [a, b] = await analyzer.analyze([
      { id: 'a', text: 'pelayanannya bagus' },
      { id: 'b', text: 'pelayanannya tidak bagus' },
    ]);
    expect(a?.sentiment.label).toBe('POSITIVE');
    expect(b?.sentiment.label).toBe('NEGATIVE');
  });

  it('returns four scores summing to 1, with MIXED always 0, stamped with engine and version', async () => {
    const [o] = await createBuiltinAnalyzer().analyze([
      { id: 'x', text: 'harga bbm naik lagi', lang: 'in' },
    ]);
    expect(o?.lang).toBe('id');
    expect(o?.sentiment.engine).toBe('builtin');
    expect(o?.sentiment.model).toBe(BUILTIN_MODEL_VERSION);
    expect(o?.sentiment.scores.MIXED).toBe(0);
    const sum = Object.values(o?.sentiment.scores ?? {}).reduce((x, y) => x + y, 0);
    expect(sum).toBeCloseTo(1, 3);
    expect(new Date(o?.sentiment.scoredAt ?? '').toISOString()).toBe(o?.sentiment.scoredAt);
  });

  it('calls text with nothing to read neutral instead of trusting the bias', async () => {
    const out = await createBuiltinAnalyzer().analyze([
      { id: 'a', text: '' },
      { id: 'b', text: '   ' },
      { id: 'c', text: '...!!' },
    ]);
    for (const o of out)
      expect(o.sentiment.scores).toEqual({ NEGATIVE: 0, NEUTRAL: 1, POSITIVE: 0, MIXED: 0 });
  });

  it("gives exactly detectLanguage's language and scoreBuiltin's score, from one scan", async () => {
    const texts = [
      ...CLEAR.map(([t]) => t),
      'The new bus service is great, thank you!',
      'piye kabare, wis mangan durung? aku ora sido budhal',
      'punten, abdi teu acan kénging bantuan ti désa',
      'Kerajaan negeri akan menambah baik perkhidmatan awam tahun hadapan',
      '#BBMNaik @kemenkeu https://t.co/x 😡😡😡',
      'ok',
      '',
      '🙏',
      'ＨＡＲＧＡ beras naik lagi!!! gak masuk akal 😭',
    ];
    const hints = [undefined, 'in', 'en', 'jv'];
    const inputs = texts.flatMap((text, i) =>
      hints.map((lang, k) => ({ id: `${i}-${k}`, text, ...(lang ? { lang } : {}) })),
    );
    const out = await createBuiltinAnalyzer().analyze(inputs);
    const model = loadBuiltinModel();
    inputs.forEach((input, i) => {
      const o = out[i];
      expect(o?.id).toBe(input.id);
      expect(o?.lang).toBe(detectLanguage(input.text, input.lang).lang);
      const want = scoreBuiltin(model, input.text, o?.sentiment.scoredAt ?? '');
      expect(o?.sentiment).toEqual(want);
    });
  });
});
