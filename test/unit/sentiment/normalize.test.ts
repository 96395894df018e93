import { describe, expect, it } from 'vitest';
import { NEG_PREFIX, tokenHashes, tokenize, wordHash } from '../../../lib/sentiment/normalize.ts';

const neg = (w: string) => `${NEG_PREFIX}${w}`;

describe('tokenize: informal spelling', () => {
  it('maps the common abbreviations to standard words', () => {
    expect(tokenize('udh yg dr tdk bgt')).toEqual(['sudah', 'yang', 'dari', 'tidak', 'banget']);
  });

  it('treats every informal negator as tidak', () => {
    for (const n of ['gak', 'nggak', 'ga', 'gk', 'tdk', 'enggak', 'kagak', 'ndak']) {
      expect(tokenize(`${n} enak`)).toEqual(['tidak', neg('enak')]);
    }
  });

  it('collapses letters repeated three or more times and marks the elongation', () => {
    expect(tokenize('mantappp bangettt')).toEqual(['mantap', '_elong_', 'banget', '_elong_']);
  });

  it('keeps legitimate double letters', () => {
    expect(tokenize('maaf saat ini')).toEqual(['maaf', 'saat', 'ini']);
  });

  it('expands number reduplication (anak2 → anak-anak, mesra2an → mesra-mesraan)', () => {
    expect(tokenize('anak2 mesra2an')).toEqual(['anak-anak', 'mesra-mesraan']);
  });

  it('turns laughter of any length into one token', () => {
    expect(tokenize('wkwkwk hahaha')).toEqual(['_laugh_', '_laugh_']);
  });

  it('expands a slang entry that stands for two words', () => {
    expect(tokenize('makasih')).toEqual(['terima', 'kasih']);
  });
});

describe('tokenize: negation', () => {
  it('marks the word after a negator', () => {
    expect(tokenize('tidak bagus')).toEqual(['tidak', neg('bagus')]);
    expect(tokenize('gak jelek')).toEqual(['tidak', neg('jelek')]);
  });

  it('skips intensifiers so the negation reaches the evaluative word', () => {
    expect(tokenize('tidak terlalu bagus')).toEqual(['tidak', 'terlalu', neg('bagus')]);
    expect(tokenize('gak begitu jelek')).toEqual(['tidak', 'begitu', neg('jelek')]);
  });

  it('negates only one content word', () => {
    expect(tokenize('tidak enak makanannya')).toEqual(['tidak', neg('enak'), 'makanannya']);
  });

  it('stops at punctuation and at a contrastive conjunction', () => {
    expect(tokenize('tidak, bagus')).toEqual(['tidak', 'bagus']);
    expect(tokenize('tidak tapi bagus')).toEqual(['tidak', 'tapi', 'bagus']);
  });

  it('does not negate placeholders such as emoji polarity tokens', () => {
    expect(tokenize('gak 😡')).toEqual(['tidak', '😡', '_emoneg_']);
  });
});

describe('tokenize: social-media entities', () => {
  it('replaces URLs and @mentions with placeholders', () => {
    expect(tokenize('cek https://t.co/AbC123 dan www.kemenkes.go.id/info @Kemenkes_RI')).toEqual([
      'cek',
      '_url_',
      'dan',
      '_url_',
      '_user_',
    ]);
  });

  it('leaves e-mail addresses alone instead of reading them as mentions', () => {
    expect(tokenize('kirim ke humas@kota.go.id')).not.toContain('_user_');
  });

  it('splits camel-case hashtags into words', () => {
    expect(tokenize('#HargaBerasNaik #BPJSRibet')).toEqual([
      '_hashtag_',
      'harga',
      'beras',
      'naik',
      '_hashtag_',
      'bpjs',
      'rumit',
    ]);
  });

  it('keeps emoji as tokens and adds their polarity', () => {
    expect(tokenize('mantap 👍')).toEqual(['mantap', '👍', '_emopos_']);
    expect(tokenize('banjir lagi 😭')).toEqual(['banjir', 'lagi', '😭', '_emoneg_']);
    expect(tokenize('😂')).toEqual(['😂', '_emolaugh_']);
  });

  it('splits emoji written without spaces', () => {
    expect(tokenize('macet😡😡')).toEqual(['macet', '😡', '_emoneg_', '😡', '_emoneg_']);
  });

  it('recognises emoticons', () => {
    expect(tokenize('oke :)')).toEqual(['oke', '_emopos_']);
    expect(tokenize('kecewa :(')).toEqual(['kecewa', '_emoneg_']);
    expect(tokenize('lucu xD')).toEqual(['lucu', '_emolaugh_']);
    expect(tokenize('(: hai')).toEqual(['_emopos_', 'hai']);
    expect(tokenize('>:( https://t.co/x')).toEqual(['_emoneg_', '_url_']);
    // A URL's "://" is not an emoticon.
    expect(tokenize('cek https://t.co/x')).toEqual(['cek', '_url_']);
  });

  it('skips NFKC only where it would change nothing', () => {
    expect(tokenize('bagus… sekali')).toEqual(tokenize('bagus... sekali'));
    expect(tokenize('ｂａｇｕｓ 😍 “mantap”')).toEqual(['bagus', '😍', '_emopos_', 'mantap']);
    expect(tokenize('cafe\u0301 enak')).toEqual(tokenize('café enak'));
  });

  it('gives the same tokens when a word is seen again (per-word cache)', () => {
    const first = tokenize('gak bagusss bgt anak2 wkwkwk');
    expect(tokenize('gak bagusss bgt anak2 wkwkwk')).toEqual(first);
    expect(first).toEqual(['tidak', '¬bagus', '_elong_', 'banget', 'anak-anak', '_laugh_']);
  });

  it('folds styled Unicode letters to plain ones', () => {
    expect(tokenize('𝐛𝐚𝐠𝐮𝐬')).toEqual(['bagus']);
  });

  it('maps numbers, prices included, to one placeholder', () => {
    expect(tokenize('Rp 15.000 naik 20%')).toEqual(['rp', '_num_', 'naik', '_num_']);
  });

  it('keeps ! and ? as tokens', () => {
    expect(tokenize('kapan?!')).toEqual(['kapan', '?', '!']);
  });

  it('returns no tokens for empty or whitespace input', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('   \n ')).toEqual([]);
  });
});

describe('tokenize: the per-word cache when it fills up', () => {
  /**
   * The i-th of many distinct plain words: "zq" and base-26 digits spelled as consonant-vowel
   * syllables, so no word is slang, laughter, elongated or a negation word.
   */
  const word = (i: number): string => {
    let w = 'zq';
    for (let n = i; ; n = Math.floor(n / 26)) {
      const d = n % 26;
      w += `${'bcdfgjlmnprst'[d % 13]}${d < 13 ? 'a' : 'i'}`;
      if (n < 26) return w;
    }
  };

  it('gives the same tokens before and after 120,000 distinct words have passed through it', () => {
    const sentence = 'Gak BAGUSSS bgt, anak2 Café wkwkwk gpp #HargaNaik';
    const before = tokenize(sentence);
    for (let i = 0; i < 120_000; i += 40) {
      const words = Array.from({ length: 40 }, (_, k) => word(i + k));
      expect(tokenize(words.join(' ').toUpperCase())).toEqual(words);
    }
    expect(tokenize(sentence)).toEqual(before);
    expect(before).toEqual([
      'tidak',
      '¬bagus',
      '_elong_',
      'banget',
      'anak-anak',
      'café',
      '_laugh_',
      'gpp',
      '_hashtag_',
      'harga',
      'naik',
    ]);
  });
});

describe('tokenHashes: the word hash of every token, for the feature hasher', () => {
  const hashesOf = (text: string): { tokens: string[]; hashes: number[] } => {
    const tokens = tokenize(text);
    return { tokens, hashes: Array.from(tokenHashes().subarray(0, tokens.length)) };
  };

  it('matches wordHash of each token: words, negation, slang phrases, placeholders, emoji', () => {
    const texts = [
      'Gak BAGUSSS bgt, anak2 Café wkwkwk gpp #HargaNaik @pemkot 15.000 https://t.co/x kapan?!',
      'tidak puas 😡 :) pelayanan tdk ramah 👍 mantap',
      `${'panjang'.repeat(200)} tidak ${'x'.repeat(1500)} bagus`,
    ];
    for (const text of texts) {
      // Twice: the first pass fills the word cache, the second reads it.
      for (let pass = 0; pass < 2; pass++) {
        const { tokens, hashes } = hashesOf(text);
        expect(tokens.length).toBeGreaterThan(3);
        expect(hashes).toEqual(tokens.map(wordHash));
      }
    }
  });

  it('handles words too long to cache like any other word', () => {
    const long = 'kata'.repeat(300);
    const { tokens, hashes } = hashesOf(`gak ${long} lagi ${long.toUpperCase()}`);
    expect(tokens).toEqual(['tidak', `¬${long}`, 'lagi', long]);
    expect(hashes).toEqual(tokens.map(wordHash));
  });

  it('differs for different tokens (FNV-1a from the word seed)', () => {
    expect(wordHash('bagus')).not.toBe(wordHash('¬bagus'));
    expect(wordHash('')).toBe(0x9e3779b1 | 0);
  });
});
