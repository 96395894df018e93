import { describe, expect, it } from 'vitest';
import {
  canonicalUrl,
  parseDate,
  stripHtml,
  truncate,
  unescapeEntities,
} from '../../../lib/sources/normalize.ts';

describe('unescapeEntities', () => {
  it('decodes named, decimal and hex entities and leaves unknown ones', () => {
    expect(unescapeEntities('Harga &amp; stok &#39;aman&#39; &#x1F600; &hellip; &foo;')).toBe(
      "Harga & stok 'aman' 😀 … &foo;",
    );
  });

  it('replaces invalid code points instead of throwing', () => {
    expect(unescapeEntities('a&#xD800;b&#99999999;c')).toBe('a\ufffdb&#99999999;c');
  });
});

describe('stripHtml', () => {
  it('keeps visible text only', () => {
    const html =
      '<img src="x.jpg" /><p>Jakarta (ANTARA) - PT Pertamina <b>memastikan</b> stok&nbsp;BBM aman.</p><script>alert(1)</script><p>Kedua</p>';
    expect(stripHtml(html)).toBe(
      'Jakarta (ANTARA) - PT Pertamina memastikan stok BBM aman.\nKedua',
    );
  });

  it('decodes double-escaped HTML (Google News descriptions)', () => {
    const twice =
      '&lt;a href="https://news.google.com/rss/articles/CBMi?oc=5"&gt;Antrean BBM Mengular&lt;/a&gt;&amp;nbsp;&lt;font color="#6f6f6f"&gt;detikNews&lt;/font&gt;';
    expect(stripHtml(twice)).toBe('Antrean BBM Mengular detikNews');
  });

  it('drops comments and keeps text that only looks like a comparison', () => {
    expect(stripHtml('<!-- iklan -->Harga < 10 ribu & > 5 ribu')).toBe(
      'Harga < 10 ribu & > 5 ribu',
    );
  });
});

describe('truncate', () => {
  it('never splits an emoji', () => {
    const out = truncate('ab😩cd', 4);
    expect(out).toBe('ab😩…');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('parseDate', () => {
  it.each([
    ['Tue, 10 Mar 2026 09:35:00 +0700', '2026-03-10T02:35:00.000Z'],
    ['Tue, 10 Mar 2026 02:48:00 GMT', '2026-03-10T02:48:00.000Z'],
    ['10 Mar 2026 09:35 WIB', '2026-03-10T02:35:00.000Z'],
    ['Selasa, 10 Maret 2026 09:35:00 +0700', '2026-03-10T02:35:00.000Z'],
    ['Sen, 5 Okt 2026 10:00:00 +07:00', '2026-10-05T03:00:00.000Z'],
    ['Tue, 10 Mar 26 09:35:00 +0700', '2026-03-10T02:35:00.000Z'],
    ['2026-03-10T09:35:00+07:00', '2026-03-10T02:35:00.000Z'],
    ['2026-03-10T02:35:00.123456Z', '2026-03-10T02:35:00.123Z'],
    ['2026-03-10 09:35:00', '2026-03-10T02:35:00.000Z'],
    ['2026-03-10', '2026-03-09T17:00:00.000Z'],
    ['1773108000', '2026-03-10T02:00:00.000Z'],
  ])('reads %j', (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each([
    'kemarin sore',
    '',
    '31 Feb 2026 10:00:00 +0700',
    'Tue, 10 Foo 2026 09:35:00 +0700',
    '2026-13-01T00:00:00Z',
  ])('rejects %j', (input) => {
    expect(parseDate(input)).toBeUndefined();
  });
});

describe('canonicalUrl', () => {
  it('folds scheme, www, tracking parameters, fragments and trailing slashes', () => {
    expect(
      canonicalUrl(
        'http://WWW.Detik.com/berita/123/judul/?utm_source=tw&b=2&a=1&fbclid=x#komentar',
      ),
    ).toBe('https://detik.com/berita/123/judul?a=1&b=2');
    expect(canonicalUrl('https://detik.com/berita/123/judul')).toBe(
      'https://detik.com/berita/123/judul',
    );
  });

  it('rejects non-http and relative links without a base', () => {
    expect(canonicalUrl('javascript:alert(1)')).toBeUndefined();
    expect(canonicalUrl('/berita/1')).toBeUndefined();
    expect(canonicalUrl('/berita/1', 'https://portal.example.id/rss')).toBe(
      'https://portal.example.id/berita/1',
    );
  });
});
