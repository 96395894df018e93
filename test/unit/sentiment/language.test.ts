import { describe, expect, it } from 'vitest';
import { detectLanguage, normalizeLang } from '../../../lib/sentiment/index.ts';

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

describe('detectLanguage on edge-case text (decisions recorded before the one-scan rewrite)', () => {
  // [text, decision without a tag, decision with X's 'in'] as lang:confidence. They cover the
  // reference's steps: lower-casing (including characters whose lower case is not one ASCII
  // letter, such as 'İ' and the Kelvin sign), URL and tag blanking mid-word and at Unicode
  // spaces, collapsing of repeated letters, and 'é' as a word letter.
  const cases: [string, string, string][] = [
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

  it.each(cases)('%s', (text, untagged, tagged) => {
    expect(show(detectLanguage(text))).toBe(untagged);
    expect(show(detectLanguage(text, 'in'))).toBe(tagged);
  });
});
