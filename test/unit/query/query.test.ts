import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lib/domain/errors.ts';
import type { Post } from '../../../lib/domain/types.ts';
import {
  compileForSource,
  compileMatcher,
  parseQuery,
  type QueryErrorDetails,
  validateQuery,
} from '../../../lib/query/index.ts';

function post(text: string, extra: Partial<Post> = {}): Post {
  return {
    source: 'x',
    sourceId: '1',
    url: 'https://example.test/1',
    author: { handle: 'warga_jkt' },
    text,
    createdAt: '2026-03-10T02:15:44.000Z',
    lang: 'id',
    engagement: {},
    ...extra,
  };
}

function errorOf(q: string): { error: ValidationError; details: QueryErrorDetails } {
  try {
    parseQuery(q);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    const error = e as ValidationError;
    return { error, details: error.details as QueryErrorDetails };
  }
  throw new Error(`expected '${q}' to be rejected`);
}

describe('parseQuery', () => {
  it('builds a tree with implicit AND, OR, NOT and parentheses', () => {
    const node = parseQuery('("harga beras" OR #beras) -impor');
    expect(node).toMatchObject({
      type: 'and',
      children: [
        {
          type: 'or',
          children: [
            { type: 'phrase', tokens: ['harga', 'beras'] },
            { type: 'hashtag', value: 'beras' },
          ],
        },
        { type: 'not', child: { type: 'term', value: 'impor', mode: 'exact' } },
      ],
    });
  });

  it('gives AND precedence over OR', () => {
    expect(parseQuery('a b OR c')).toMatchObject({
      type: 'or',
      children: [{ type: 'and' }, { type: 'term', value: 'c' }],
    });
  });

  it('reads filters, accounts, stems and prefixes', () => {
    expect(parseQuery('@KemenESDM ~naik subsid* lang:in source:x')).toMatchObject({
      type: 'and',
      children: [
        { type: 'mention', value: 'kemenesdm', raw: 'KemenESDM' },
        { type: 'term', value: 'naik', mode: 'stem' },
        { type: 'term', value: 'subsid', mode: 'prefix' },
        { type: 'filter', field: 'lang', value: 'id' },
        { type: 'filter', field: 'source', value: 'x' },
      ],
    });
  });

  it('treats lower-case or/and as words and hyphenated words as phrases', () => {
    expect(parseQuery('covid-19 or')).toMatchObject({
      type: 'and',
      children: [
        { type: 'phrase', tokens: ['covid', '19'] },
        { type: 'term', value: 'or' },
      ],
    });
  });

  it('folds double negation', () => {
    expect(parseQuery('banjir NOT -jakarta')).toMatchObject({
      type: 'and',
      children: [
        { type: 'term', value: 'banjir' },
        { type: 'term', value: 'jakarta' },
      ],
    });
  });

  it.each([
    ['(harga beras', 12, "')' to close the '(' at position 0"],
    ['harga )', 6, "end of query (this ')' has no '(')"],
    ['"harga beras', 12, "a closing '\"'"],
    ['harga OR', 8, 'a word'],
    ['lang:indonesia', 5, '2- or 3-letter language code'],
    ['source:facebook banjir', 7, 'a source'],
    ['# banjir', 1, 'letters, digits or _ after #'],
    ['', 0, 'a word'],
    ['-impor', 0, 'at least one word'],
    ['banjir ()', 8, 'a word'],
    ['ab* banjir', 0, 'at least 3 letters before *'],
  ])('rejects %j at position %i', (q, position, expected) => {
    const { error, details } = errorOf(q);
    expect(details.position).toBe(position);
    expect(details.expected).toContain(expected);
    expect(error.message).toContain(`position ${position}`);
    expect(error.status).toBe(400);
  });

  it('rejects a query made only of exclusions and filters', () => {
    expect(errorOf('-(a OR b) lang:id').details.expected).toContain('not excluded');
    expect(errorOf('banjir OR -jakarta').details.position).toBe(0);
  });
});

describe('compileMatcher', () => {
  it('is case, diacritic and Unicode-form insensitive', () => {
    const m = compileMatcher('"harga beras"');
    expect(m(post('HARGA  Béras naik lagi'))).toBe(true);
    expect(m(post('ＨＡＲＧＡ ＢＥＲＡＳ'))).toBe(true);
    expect(m(post('beras harga'))).toBe(false);
  });

  it('applies NOT and OR', () => {
    const m = compileMatcher('("harga beras" OR #beras) -impor');
    expect(m(post('Pasar ramai #Beras murah'))).toBe(true);
    expect(m(post('harga beras naik karena impor telat'))).toBe(false);
    expect(m(post('beras naik'))).toBe(false);
  });

  it('ignores words inside URLs', () => {
    const m = compileMatcher('banjir');
    expect(m(post('lihat https://news.example.id/banjir-kemang sekarang'))).toBe(false);
    expect(m(post('banjir lagi www.example.id/foo'))).toBe(true);
  });

  it('matches a word in a hashtag body but a hashtag only as a hashtag', () => {
    expect(compileMatcher('banjir')(post('Kemang hari ini #banjir'))).toBe(true);
    expect(compileMatcher('#banjir')(post('Kemang banjir hari ini'))).toBe(false);
    expect(compileMatcher('#banjir')(post('Kemang #BANJIR hari ini'))).toBe(true);
    expect(compileMatcher('banjir')(post('#banjirjakarta'))).toBe(false);
  });

  it('matches @account by author handle or mention in the text', () => {
    const m = compileMatcher('@KemenESDM');
    expect(m(post('Mohon @kemenesdm cek stok'))).toBe(true);
    expect(m(post('Stok aman', { author: { handle: '@KemenESDM' } }))).toBe(true);
    expect(m(post('email humas@kemenesdm.go.id'))).toBe(false);
  });

  it('matches Indonesian affixed forms only with ~', () => {
    expect(compileMatcher('naik')(post('kenaikan harga BBM'))).toBe(false);
    const stem = compileMatcher('~naik');
    for (const text of [
      'kenaikan harga',
      'harga dinaikkan',
      'pemerintah menaikkan harga',
      'naiknya',
    ]) {
      expect(stem(post(text))).toBe(true);
    }
    expect(stem(post('harga turun'))).toBe(false);
    expect(compileMatcher('~tulis')(post('dia menulis surat'))).toBe(true);
    expect(compileMatcher('~pukul')(post('warga dipukul'))).toBe(true);
  });

  it('matches prefix words', () => {
    const m = compileMatcher('subsid*');
    expect(m(post('subsidi BBM'))).toBe(true);
    expect(m(post('harga BBM'))).toBe(false);
  });

  it('filters on language (in → id) and source', () => {
    const m = compileMatcher('banjir lang:id source:x');
    expect(m(post('banjir', { lang: 'in' }))).toBe(true);
    expect(m(post('banjir', { lang: 'en' }))).toBe(false);
    expect(m(post('banjir', { source: 'bluesky' }))).toBe(false);
  });

  it('matches the title of news items too', () => {
    const m = compileMatcher('"antrean bbm"');
    expect(m(post('Warga mengeluh', { title: 'Antrean BBM mengular' }))).toBe(true);
  });
});

describe('compileForSource', () => {
  const q = parseQuery('("harga beras" OR #beras) -impor lang:id');

  it('compiles to X syntax with lang:in', () => {
    expect(compileForSource(q, 'x')).toBe('("harga beras" OR #beras) -impor lang:in');
    expect(compileForSource(parseQuery('@KemenESDM BBM'), 'x')).toBe(
      '(@KemenESDM OR from:KemenESDM) bbm',
    );
  });

  it('compiles to Google News without # and lang', () => {
    expect(compileForSource(q, 'google-news')).toBe('("harga beras" OR beras) -impor');
  });

  it('compiles to YouTube | and - without groups, relaxing to a superset', () => {
    expect(compileForSource(q, 'youtube')).toBe('"harga beras"|beras -impor');
    expect(compileForSource(parseQuery('banjir OR (rob jakarta)'), 'youtube')).toBe('banjir|rob');
    expect(compileForSource(parseQuery('banjir -(rob jakarta)'), 'youtube')).toBe('banjir');
  });

  it('compiles to Bluesky and Mastodon tags', () => {
    expect(compileForSource(q, 'bluesky')).toBe('("harga beras" OR #beras) -impor');
    expect(compileForSource(parseQuery('banjir (#banjirjakarta OR #banjir)'), 'mastodon')).toBe(
      'banjirjakarta banjir',
    );
  });

  it('has no native query for RSS and demo, or when a source filter excludes the source', () => {
    expect(compileForSource(q, 'rss')).toBeUndefined();
    expect(compileForSource(q, 'demo')).toBeUndefined();
    const onlyX = parseQuery('banjir source:x');
    expect(compileForSource(onlyX, 'youtube')).toBeUndefined();
    expect(compileForSource(onlyX, 'x')).toBe('banjir');
  });

  it('rejects queries longer than 512 characters on X', () => {
    const long = Array.from({ length: 80 }, (_, i) => `kata${i}`).join(' OR ');
    expect(() => compileForSource(parseQuery(long), 'x')).toThrow(ValidationError);
    expect(() => validateQuery(long, ['google-news'])).not.toThrow();
    expect(() => validateQuery(long)).toThrow(/512/);
  });
});
