import { describe, expect, it } from 'vitest';
import { detectAndScore, loadBuiltinModel } from '../../../lib/sentiment/builtin.ts';
import { detectLanguage, normalizeLang } from '../../../lib/sentiment/index.ts';
import { markerVote, tokenize } from '../../../lib/sentiment/normalize.ts';

describe('normalizeLang', () => {
  it("maps X's 'in' and other Indonesian tags to 'id'", () => {
    expect(normalizeLang('in')).toBe('id');
    expect(normalizeLang('IN')).toBe('id');
    expect(normalizeLang('id-ID')).toBe('id');
    expect(normalizeLang('ind')).toBe('id');
    expect(normalizeLang(' id_ID ')).toBe('id');
  });

  it("returns 'und' for missing, empty or unparsable tags", () => {
    expect(normalizeLang(undefined)).toBe('und');
    expect(normalizeLang('')).toBe('und');
    expect(normalizeLang('zxx')).toBe('und');
    expect(normalizeLang('12')).toBe('und');
    expect(normalizeLang('not a tag')).toBe('und');
  });

  it('drops region and script subtags of other languages', () => {
    expect(normalizeLang('en-US')).toBe('en');
    expect(normalizeLang('zh-Hant-TW')).toBe('zh');
    expect(normalizeLang('jw')).toBe('jv');
  });
});

describe('detectLanguage on short posts', () => {
  const cases: [string, string][] = [
    ['harga beras naik terus, pemerintah gak ngapa2in', 'id'],
    ['jalan rusak parah udah 3 bulan blm diperbaiki', 'id'],
    ['bansos belum cair juga nih, gimana sih', 'id'],
    ['kerajaan patut bantu rakyat, harga barang naik sangat mahal sekarang kerana cukai', 'ms'],
    ['saya tak boleh bayar sewa bulan ni, gaji tak cukup', 'ms'],
    ['aku ora ngerti piye carane daftar bpjs', 'jv'],
    ['regane beras saiki larang banget, wong cilik susah', 'jv'],
    ['abdi teu ngarti kumaha carana daptar', 'su'],
    ['jalan di dieu ruksak pisan atuh, euy', 'su'],
    ['the flood in jakarta is really bad today', 'en'],
    ['thanks to the government for the new school', 'en'],
  ];
  for (const [text, lang] of cases) {
    it(`reads "${text}" as ${lang}`, () => {
      const r = detectLanguage(text);
      expect(r.lang).toBe(lang);
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    });
  }

  it("says 'und' with zero confidence when there is nothing to go on", () => {
    expect(detectLanguage('')).toEqual({ lang: 'und', confidence: 0 });
    expect(detectLanguage('😡😡😡')).toEqual({ lang: 'und', confidence: 0 });
    expect(detectLanguage('https://t.co/x @someone #tag')).toEqual({ lang: 'und', confidence: 0 });
  });

  it("falls back to the source's tag, normalised, when the text is too short", () => {
    expect(detectLanguage('👍', 'in')).toEqual({ lang: 'id', confidence: 0.5 });
    expect(detectLanguage('東京の雨', 'ja')).toEqual({ lang: 'ja', confidence: 0.5 });
  });

  it('lets the text overrule a wrong tag when the evidence is clear', () => {
    expect(
      detectLanguage('the price of rice is too high and the government does nothing', 'in').lang,
    ).toBe('en');
  });

  it('uses the tag to settle text that Indonesian and Malay share', () => {
    expect(detectLanguage('harga barang sangat mahal', 'in').lang).toBe('id');
    expect(detectLanguage('harga barang sangat mahal', 'ms').lang).toBe('ms');
  });

  it('keeps code-mixed Indonesian-English posts as Indonesian', () => {
    expect(detectLanguage('meeting sama pak lurah so boring, gak ada solusi yg jelas').lang).toBe(
      'id',
    );
  });
});

// [text, decision without a tag, decision with X's 'in'] as lang:confidence. They cover the
// reference's steps: lower-casing (including characters whose lower case is not one ASCII
// letter, such as 'İ' and the Kelvin sign), URL and tag blanking mid-word and at Unicode
// spaces, collapsing of repeated letters, and 'é' as a word letter.
const EDGE_CASES: [string, string, string][] = [
  ['İNDONESIA gak bisa yg begini', 'id:0.643', 'id:0.688'],
  ['harga \u212Aopi naik gak karuan bgt', 'id:0.8', 'id:0.833'],
  ['HTTPS://X.CO/abc gak bisa bgt', 'id:0.75', 'id:0.786'],
  ['Https://x.co\u3000gak bisa bgt', 'id:0.75', 'id:0.786'],
  ['http://\u3000gak bisa', 'id:0.667', 'id:0.727'],
  ['cek http:/x.co gak', 'id:0.75', 'id:0.833'],
  ['xhttp://a.b/c yg udah', 'id:1', 'id:1'],
  ['#tag_ok yg udah gak', 'id:0.9', 'id:0.917'],
  ['abc#def yg udah', 'id:1', 'id:1'],
  ['@user_1 gak bisa kok', 'id:0.667', 'id:0.714'],
  ['bangettttt gaaaak bisaaa', 'id:0.692', 'id:0.733'],
  ['aaa bbb yyyg', 'id:0.75', 'id:0.833'],
  ['ééé éta téh atuh', 'su:1', 'su:0.867'],
  ['ÉTA TÉH ATUH euy', 'su:1', 'su:0.9'],
  ['gak\u00a0bisa\u00a0yg', 'id:0.75', 'id:0.786'],
  ['gak—bisa“yg”', 'id:0.75', 'id:0.786'],
  ['ga4k bisa y_g', 'id:0.714', 'id:0.778'],
  ['𝐠𝐚𝐤 bisa yg', 'id:0.75', 'id:0.8'],
  ['gak bisa yg\ud83d', 'id:0.75', 'id:0.786'],
  ['Https://a #b @c d', 'und:0', 'id:0.5'],
  ['hhh ttt', 'und:0', 'id:0.5'],
];
const show = (r: { lang: string; confidence: number }) => `${r.lang}:${r.confidence}`;

describe('detectLanguage on edge-case text (decisions recorded before the one-scan rewrite)', () => {
  it.each(EDGE_CASES)('%s', (text, untagged, tagged) => {
    expect(show(detectLanguage(text))).toBe(untagged);
    expect(show(detectLanguage(text, 'in'))).toBe(tagged);
  });
});

describe("language ID from the tokenizer's scan (detectAndScore, the router's path)", () => {
  const model = loadBuiltinModel();
  const at = '2026-01-01T00:00:00.000Z';
  const fused = (text: string, hint?: string) =>
    show(detectAndScore(model, text, hint, at, () => false));

  it.each(EDGE_CASES)('%s', (text, untagged, tagged) => {
    expect(fused(text)).toBe(untagged);
    expect(fused(text, 'in')).toBe(tagged);
  });

  // Posts the tokenizer reads without rewriting, where its words and language ID's line up
  // (URLs whose words language ID still reads, tags, accents, repeated letters, \v outside a URL).
  const plain = [
    'baca www.kompas.com/harga-naik-lagi yang',
    'kompas.com/berita/yang-di-sana ini kok',
    'www.yang.go.id/yang-yang kok',
    'the and is www.x.com/the-and',
    'HTTPS://WWW.X.COM/YANG ok',
    'https:// yang gak',
    '@_yang dong #yang_dong sih',
    'café yang naïve kerana',
    'téh atuh euy ÉTA',
    'gak mauuuu bangettttt, Yg KAU Tak',
    'yang\u000bdi sana',
    'kompas.co/ wkwk yang',
    'harga 15.000an naik 2x lipat, anak2 sdh gak sekolah 😡',
  ];
  // Posts where the two scans read words differently, so language ID scans the text itself.
  const own = [
    'nama@gmail.com yang bagus',
    'abc#def yang',
    'lihathttps://x.co/abc yang tidak',
    'x-https://t.co/yang ini',
    '2http://t.co/x tidak',
    'http://\u000byang tidak ada',
    '@josé yang',
    '#caféenak sih dong',
    '_yang_ di sini',
    'harga naik :( gak ada uang',
    'harga &amp; tarif naik',
    '𝐠𝐚𝐤 bisa yg',
  ];

  it.each([...plain, ...own])('agrees with detectLanguage on %j', (text) => {
    for (const hint of [undefined, 'in', 'ms', 'en', 'jv']) {
      expect(fused(text, hint)).toBe(show(detectLanguage(text, hint)));
    }
  });

  it("takes the vote in the tokenizer's scan for plain posts and leaves the rest to language ID", () => {
    const voted = (text: string) => {
      tokenize(text);
      return markerVote() !== undefined;
    };
    expect(plain.filter((t) => !voted(t))).toEqual([]);
    expect(own.filter(voted)).toEqual([]);
  });

  it("reads each word's weights after a cache clear, including clears in the middle of a post", () => {
    // Distinct filler words fill the tokenizer's word cache (32,000 words) so that it is cleared
    // several times, at varying places inside the posts that carry the marker words.
    const filler = (i: number) =>
      `zq${i.toString(36).replace(/[0-9]/g, (d) => 'bcdfgjlmnp'[Number(d)] as string)}`;
    const markers = ['yang', 'kerana', 'ora', 'teh', 'the', 'gak', 'awak', 'kumaha'];
    let i = 0;
    for (let post = 0; post < 2_000; post++) {
      const words: string[] = [];
      for (let k = 0; k < 40; k++)
        words.push(k % 7 === 3 ? (markers[(post + k) % 8] as string) : filler(i++));
      const text = words.join(' ');
      expect(fused(text, 'in')).toBe(show(detectLanguage(text, 'in')));
    }
  });
});
