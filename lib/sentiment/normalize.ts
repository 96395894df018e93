/**
 * Normalisation and tokenisation of informal Indonesian posts for the built-in model.
 *
 * The same function runs in training and in the Lambda, so what the model learned from is exactly
 * what it sees at scoring time. It is a single hand-written scan over the text rather than a chain
 * of regular expressions because it runs once per post in the score Lambda and a regex chain cost
 * several times more than the model itself. Placeholders are written `_name_`, which no word can
 * be after normalisation.
 */

import {
  markerVoteOf as importedMarkerVoteOf,
  voteRange as importedVoteRange,
  VOTE_LANGS,
} from './language.ts';
import {
  CLAUSE_BREAKERS,
  EMOTICONS as IMPORTED_EMOTICONS,
  INTENSIFIERS,
  LAUGH_EMOJI,
  NEGATIVE_EMOJI,
  NEGATORS,
  POSITIVE_EMOJI,
  SLANG,
} from './lexicon.ts';
import { createUnitReader } from './units.ts';

/** Prefix marking a word inside a negation scope: "tidak bagus" → `tidak ¬bagus`. */
const NEG_PREFIX = '¬';

/**
 * The tokenizer's state and code, built once at module load. Everything the hot scan reads lives
 * in this function's scope rather than at module level: a bundler (esbuild, which builds the
 * Lambda) rewrites every top-level `const` into `var`, and V8 then reloads such module-level
 * tables, constants and function aliases from mutable slots in the scan's loops (issue #3: about
 * a third of the bundled throughput). Locals of a closure stay `const` in the bundle.
 */
function createTokenizer() {
  // Local copies of imported bindings: the scan calls them per word.
  const markerVoteOf = importedMarkerVoteOf;
  const voteRange = importedVoteRange;
  const EMOTICONS = IMPORTED_EMOTICONS;

  const WORD_SEED = 0x9e3779b1 | 0;
  const WORD_PRIME = 0x01000193;

  /** FNV-1a of a token from WORD_SEED: the word hash the features and the model's buckets use. */
  function wordHash(token: string): number {
    let h = WORD_SEED;
    for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), WORD_PRIME);
    return h;
  }

  const NON_ASCII_RE = /[\u0080-\uffff]/;

  /**
   * Whether NFKC could change the text. `normalize('NFKC')` was the costliest step of scoring a
   * typical post, and nearly always a no-op: most non-ASCII in posts is emoji, typographic quotes
   * and dashes, or Latin-1 letters, which NFKC leaves as they are (checked code point by code point
   * when this list was written). Anything else (styled math letters, full-width forms, ellipsis,
   * ligatures, combining marks, enclosed alphanumerics) still goes through NFKC.
   */
  function needsNfkc(s: string): boolean {
    // The regex search is native and finds the first non-ASCII character (usually none) fast.
    const first = s.search(NON_ASCII_RE);
    if (first < 0) return false;
    for (let i = first; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) continue;
      if (c >= 0xd800 && c <= 0xdbff) {
        if (nfkcKeepsAstral(s.codePointAt(i) as number)) {
          i++;
          continue;
        }
        return true;
      }
      if (!nfkcKeeps(c)) return true;
    }
    return false;
  }

  /** Emoji blocks and tag characters; 1F000-1F2FF (enclosed alphanumerics) is not stable. */
  function nfkcKeepsAstral(cp: number): boolean {
    return (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0xe0020 && cp <= 0xe007f);
  }

  /** BMP code units (not surrogates) that NFKC leaves as they are; none of them is whitespace. */
  function nfkcKeeps(c: number): boolean {
    return (
      (c >= 0xc0 && c <= 0xff) ||
      (c >= 0x200b && c <= 0x200d) ||
      c === 0x2013 ||
      c === 0x2014 ||
      c === 0x2018 ||
      c === 0x2019 ||
      c === 0x201c ||
      c === 0x201d ||
      c === 0x2022 ||
      (c >= 0x2190 && c <= 0x21ff) ||
      (c >= 0x2300 && c <= 0x23ff && c !== 0x2329 && c !== 0x232a) ||
      (c >= 0x25a0 && c <= 0x27bf) ||
      (c >= 0x2b00 && c <= 0x2bff) ||
      c === 0xfe0f
    );
  }
  /** Cheap pre-check so the emoticon expressions run only on the few posts that may contain one. */
  // Every emoticon pattern in EMOTICONS starts after whitespace or at the start of the text with one
  // of these, so a text without them skips the pass (URLs' "://" no longer trigger it).
  // (An anchored alternation `(?:^|\s)` is twice as slow to scan for, so the text start is checked
  // by prefixing a space.)
  const EMOTICON_HINT_RE = /\s(?:[:;=^(><]|T[_.]T|[xX]D)/;
  /** Whether an emoticon pattern may start at `u[j]` (the part of EMOTICON_HINT_RE after `\s`). */
  function emoticonAt(u: Uint16Array, j: number): boolean {
    const c = u[j] as number;
    // : ; = ^ ( > <
    if (c === 58 || c === 59 || c === 61 || c === 94 || c === 40 || c === 62 || c === 60)
      return true;
    const d = u[j + 1] as number;
    if (c === 84 /* T */) return (d === 95 || d === 46) && u[j + 2] === 84;
    return (c === 120 || c === 88) /* x X */ && d === 68 /* D */;
  }

  const PRE_PLAIN = 0;
  const PRE_EMOTICON = 1;
  const PRE_REWRITE = 2;

  /**
   * One pass over the post's code units in place of three native scans (needsNfkc's, the '&'
   * check and EMOTICON_HINT_RE): PRE_REWRITE when NFKC or entity replacement could change the text
   * (then every step runs as written), else PRE_EMOTICON when an emoticon may start (after ASCII
   * whitespace or at the start: other whitespace is never kept by NFKC), else PRE_PLAIN.
   */
  function prescan(u: Uint16Array, n: number): number {
    let flags = emoticonAt(u, 0) ? PRE_EMOTICON : PRE_PLAIN;
    for (let i = 0; i < n; i++) {
      const c = u[i] as number;
      // Letters and most punctuation (A-Z, a-z, [, ], {, }…): nothing to check.
      if (c > 0x40 && c < 0x80) continue;
      if (c < 0x80) {
        if (c === 38 /* & */) return PRE_REWRITE;
        if ((c === 32 || (c >= 9 && c <= 13)) && emoticonAt(u, i + 1)) flags = PRE_EMOTICON;
      } else if (c >= 0xd800 && c <= 0xdbff) {
        // u[n] is 0, so a high surrogate at the end is never paired.
        const d = u[i + 1] as number;
        if (d < 0xdc00 || d > 0xdfff) return PRE_REWRITE;
        if (!nfkcKeepsAstral(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)) return PRE_REWRITE;
        i++;
      } else if (!nfkcKeeps(c)) {
        return PRE_REWRITE;
      }
    }
    return flags;
  }

  /** EMOTICON_HINT_RE's test at the very start of the text, where there is no whitespace before. */
  function startsLikeEmoticon(s: string): boolean {
    const c = s.charCodeAt(0);
    // : ; = ^ ( > <
    if (c === 58 || c === 59 || c === 61 || c === 94 || c === 40 || c === 62 || c === 60)
      return true;
    const d = s.charCodeAt(1);
    if (c === 84 /* T */) return (d === 95 || d === 46) && s.charCodeAt(2) === 84;
    return (c === 120 || c === 88) /* x X */ && d === 68 /* D */;
  }
  const PICTO_RE = /^\p{Extended_Pictographic}$/u;
  const LETTER_RE = /^\p{L}$/u;
  const LAUGH_RE = /^(?:w*k+w+k*[wk]*|(?:h+[aeiou]+){2,}h?|(?:[aeiou]?h+){3,})$/;
  const URL_SUFFIXES = ['com', 'id', 'net', 'org', 'ly', 'co'];

  function isAsciiAlnum(c: number): boolean {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  }

  function isDigit(c: number): boolean {
    return c >= 48 && c <= 57;
  }

  /** Whether code unit `c` belongs to a word. */
  function isWordUnit(c: number): boolean {
    return c < 128 ? isAsciiAlnum(c) : isNonAsciiLetter(c);
  }

  /** 1 letter, 2 not, 0 not yet asked: LETTER_RE's answer per code unit below U+2000. */
  const NON_ASCII_LETTER = new Uint8Array(0x2000);

  /** Latin letters with diacritics (Sundanese é, borrowed names) belong to words. */
  function isNonAsciiLetter(c: number): boolean {
    if (c >= 0x2000) return false;
    let k = NON_ASCII_LETTER[c] as number;
    if (k === 0) {
      k = LETTER_RE.test(String.fromCharCode(c)) ? 1 : 2;
      NON_ASCII_LETTER[c] = k;
    }
    return k === 1;
  }

  /** The post's code units (see units.ts); the scan below reads them rather than the string. */
  const loadUnits = createUnitReader();

  /** Whether the word `w`, ending at `s[j]`, begins a URL. */
  function startsUrl(w: string, s: string, j: number): boolean {
    return (
      ((w === 'http' || w === 'https') && s.startsWith('://', j)) ||
      (w === 'www' && s[j] === '.') ||
      (s[j] === '.' &&
        URL_SUFFIXES.some((x) => s.startsWith(`${x}/`, j + 1) || s.startsWith(`go.id/`, j + 1)))
    );
  }

  function isSpace(c: number): boolean {
    return c === 32 || c === 9 || c === 10 || c === 13 || c === 160;
  }

  function emojiPolarity(ch: string): string | undefined {
    if (LAUGH_EMOJI.includes(ch)) return '_emolaugh_';
    if (POSITIVE_EMOJI.includes(ch)) return '_emopos_';
    if (NEGATIVE_EMOJI.includes(ch)) return '_emoneg_';
    return undefined;
  }

  /**
   * Tokens for a non-ASCII code point outside words: the emoji and its polarity placeholder, or
   * undefined for anything that is not a pictograph. Posts reuse a handful of emoji, so the answer is
   * cached per code point (bounded; clearing only costs recomputation).
   */
  const EMOJI_CACHE_MAX = 10_000;
  interface EmojiTokens {
    tokens: readonly string[];
    hashes: readonly number[];
  }
  const EMOJI_CACHE = new Map<number, EmojiTokens | undefined>();

  function emojiTokens(cp: number): EmojiTokens | undefined {
    if (EMOJI_CACHE.has(cp)) return EMOJI_CACHE.get(cp);
    const ch = String.fromCodePoint(cp);
    let found: EmojiTokens | undefined;
    if (PICTO_RE.test(ch)) {
      const pol = emojiPolarity(ch);
      const tokens = pol ? [ch, pol] : [ch];
      found = { tokens, hashes: tokens.map(wordHash) };
    }
    if (EMOJI_CACHE.size >= EMOJI_CACHE_MAX) EMOJI_CACHE.clear();
    EMOJI_CACHE.set(cp, found);
    return found;
  }

  /** Collapses a letter repeated 3+ times ("bangettt" → "banget"); reports whether it did. */
  function collapseElongation(w: string): [string, boolean] {
    for (let i = 2; i < w.length; i++) {
      const c = w.charCodeAt(i);
      if (c === w.charCodeAt(i - 1) && c === w.charCodeAt(i - 2)) return [collapseRuns(w), true];
    }
    return [w, false];
  }

  function collapseRuns(w: string): string {
    let out = '';
    let i = 0;
    while (i < w.length) {
      let j = i + 1;
      while (j < w.length && w[j] === w[i]) j++;
      out += j - i >= 3 ? (w[i] as string) : w.slice(i, j);
      i = j;
    }
    return out;
  }

  const SLANG_MAP: ReadonlyMap<string, string> = new Map(Object.entries(SLANG));
  /** w h k a e i o u: the letters laughter is written with. */
  function isLaughLetter(c: number): boolean {
    return (
      c === 119 ||
      c === 104 ||
      c === 107 ||
      c === 97 ||
      c === 101 ||
      c === 105 ||
      c === 111 ||
      c === 117
    );
  }

  /** Word roles for negation scope, one lookup per word. */
  const NEGATOR = 1;
  const BREAKER = 2;
  const INTENSIFIER = 3;
  const ROLE: ReadonlyMap<string, number> = new Map([
    ...[...INTENSIFIERS].map((w) => [w, INTENSIFIER] as const),
    ...[...CLAUSE_BREAKERS].map((w) => [w, BREAKER] as const),
    ...[...NEGATORS].map((w) => [w, NEGATOR] as const),
  ]);

  /** Most words start with two laugh letters ("harga", "akhirnya"); few consist only of them. */
  function allLaughLetters(word: string): boolean {
    for (let i = 2; i < word.length; i++) if (!isLaughLetter(word.charCodeAt(i))) return false;
    return true;
  }

  function normalizeWord(word: string): string {
    const mapped = SLANG_MAP.get(word);
    if (mapped !== undefined) return mapped;
    if (
      word.length >= 4 &&
      isLaughLetter(word.charCodeAt(0)) &&
      isLaughLetter(word.charCodeAt(1)) &&
      allLaughLetters(word) &&
      LAUGH_RE.test(word)
    ) {
      return '_laugh_';
    }
    return word;
  }

  /** "anak2" → "anak-anak", "mesra2an" → "mesra-mesraan": Indonesian reduplication written with 2. */
  function expandReduplication(w: string): string {
    const k = w.indexOf('2');
    if (k < 2 || k !== w.lastIndexOf('2')) return w;
    const base = w.slice(0, k);
    const rest = w.slice(k + 1);
    for (let i = 0; i < base.length; i++) if (isDigit(base.charCodeAt(i))) return w;
    for (let i = 0; i < rest.length; i++) if (isDigit(rest.charCodeAt(i))) return w;
    return `${base}-${base}${rest}`;
  }

  /** Splits a hashtag body into words: "HargaBerasNaik" → harga beras naik, "BPJSRibet" → bpjs ribet. */
  function hashtagWords(tag: string): string[] {
    const words: string[] = [];
    let start = 0;
    const kind = (c: number) =>
      c >= 97 && c <= 122 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 48 && c <= 57 ? 3 : 0;
    for (let i = 1; i <= tag.length; i++) {
      const prev = kind(tag.charCodeAt(i - 1));
      const cur = i < tag.length ? kind(tag.charCodeAt(i)) : -1;
      const next = i + 1 < tag.length ? kind(tag.charCodeAt(i + 1)) : -1;
      const boundary =
        cur === -1 ||
        cur === 0 ||
        prev === 0 ||
        (prev === 1 && cur === 2) ||
        (prev === 2 && cur === 2 && next === 1) ||
        (prev !== 3 && cur === 3);
      if (boundary) {
        if (i > start && prev !== 0) words.push(tag.slice(start, i).toLowerCase());
        start = cur === 0 ? i + 1 : i;
      }
    }
    return words;
  }

  /**
   * What a scanned (lower-cased) word becomes, independent of its neighbours: reduplication,
   * elongation, slang and laughter applied, and its negation role. Words repeat a lot across posts,
   * so this is computed once per distinct word and cached (bounded; the cache is cleared when full,
   * which only costs recomputation: the result is a pure function of the word).
   */
  interface WordEntry {
    /** The single normalised token, when there is one (`parts` undefined). */
    token: string;
    role: number | undefined;
    /** Several tokens, when slang expands to a phrase ("gpp" → tidak apa-apa). */
    parts: string[] | undefined;
    elongated: boolean;
    /**
     * The token as emitted inside a negation scope: `¬token` for words, the token itself for
     * placeholders and emoji (they keep their own polarity). Built once here rather than
     * concatenated per post, which also spares the feature hasher a fresh string to hash.
     */
    negated: string;
    /** wordHash of `token` and of `negated`, for the feature hasher. */
    tokenHash: number;
    negatedHash: number;
  }

  /**
   * The per-word cache is an open-addressing table keyed by the lower-cased word, probed straight
   * from the post's characters: a word seen before costs one FNV pass and a character compare, with
   * no substring, no lower-casing and no engine-level string hash (those three were the tokenizer's
   * largest costs). Cleared when full.
   *
   * Real posts use many distinct words, so the table is bigger than the CPU's L1 and L2 caches and a
   * probe is dominated by memory misses: the table is kept small. A slot is 8 bytes (hash, and the
   * entry id with the key's length), the key sits in a pool at a start kept per entry id, and what
   * the scan needs of a hit (flags, token hashes) sits in dense arrays indexed by entry id, which
   * are handed out in order of first sight, so frequent words share a few hot cache lines. The
   * table is 2^15 slots (256 kB) holding at most 24,000 words (load at most 0.73): in a same-process
   * A/B the tokenizer ran about 15 % faster on 8,000 real tweets (18,700 distinct words) than with
   * 16-byte slots, 2^16 slots and 32,000 words (1 MB), and no slower over all 54,514 texts of
   * ../shared/data, whose vocabulary overflows it; a clear only costs re-analysing the words that
   * come back.
   */
  const WORD_CACHE_MAX = 24_000;
  const TABLE_BITS = 15;
  const TABLE_MASK = (1 << TABLE_BITS) - 1;
  /** Per slot: word hash, then entry id + 1 (0: empty) | key length << ID_BITS. */
  const SLOT_INTS = 2;
  const slots = new Int32Array((1 << TABLE_BITS) * SLOT_INTS);
  const ID_BITS = 16;
  const ID_MASK = (1 << ID_BITS) - 1;
  /**
   * Keys live in pools (typed-array reads on both sides of the compare): all-ASCII keys, nearly all
   * of them, one byte per character, which halves what the compares read; keys with another
   * character in a code-unit pool, at a start stored as ~start (negative) so the compares tell
   * them apart. An ASCII word never equals a key of the second kind.
   */
  const keyPool = new Uint8Array(1 << 20);
  const wideKeyPool = new Uint16Array(1 << 16);
  let wideUsed = 0;
  /** Longer words are analysed every time rather than cached, so one huge word cannot fill the pool. */
  const MAX_CACHED_WORD = 1 << 10;
  let poolUsed = 0;
  let tableSize = 0;

  /** Entry flags: the word's role in the low two bits (0 none), then these. */
  const ROLE_MASK = 3;
  const F_ELONGATED = 4;
  const F_PARTS = 8;
  /** The negated form differs from the token (words, not placeholders or emoji). */
  const F_NEGATABLE = 16;
  /** The word holds language marker words (its weights are in entryVote). */
  const F_MARKER = 32;
  /** The word has a character only language ID's reference implementation reads (see language.ts). */
  const F_VOTE_SLOW = 64;
  /*
   * Entry data by id. Ids are handed out in order, so the string arrays grow by appending (packed
   * arrays; preallocating 50,000 holes cost milliseconds of every cold start). A word too long to
   * cache is analysed into the next free id without claiming it.
   *
   * The numbers sit side by side, so a hit reads one cache line of them: where the key starts in
   * the key pool (E_KEY), the flags, the token's and the negated token's hashes (3 % faster on real
   * tweets than one array each).
   */
  const ENTRY_INTS = 4;
  const E_KEY = 0;
  const E_FLAGS = 1;
  const E_TOKEN_HASH = 2;
  const E_NEGATED_HASH = 3;
  const entryData = new Int32Array((WORD_CACHE_MAX + 1) * ENTRY_INTS);
  const entryToken: string[] = [];
  const entryNegated: string[] = [];
  const entryParts: (string[] | undefined)[] = [];
  /**
   * Language ID's marker weights of each word (language.ts `markerVoteOf`, VOTE_LANGS per entry),
   * so the tokenizer's scan also takes the post's language vote. Read only for F_MARKER entries.
   * The weights are small integers, so any order of adding them gives language ID's exact sums.
   */
  /** A local copy: hot loops read it per word, and an imported binding can cost a getter call. */
  const VOTES: number = VOTE_LANGS;
  const entryVote = new Int16Array((WORD_CACHE_MAX + 1) * VOTES);
  const wordVote = new Int32Array(VOTES);

  const FNV_OFFSET = 0x811c9dc5 | 0;
  const FNV_PRIME = 0x01000193;
  /** Fibonacci hashing spreads FNV's low-entropy top bits over the table. */
  const GOLDEN = 0x9e3779b1 | 0;

  /** ASCII lower-casing of one code unit, as `toLowerCase` does for ASCII. */
  function lowerAscii(c: number): number {
    return c >= 65 && c <= 90 ? c + 32 : c;
  }

  /** FNV-1a of `u[from, to)` lower-cased; for ASCII text that equals the hash of its key. */
  function hashLowerAscii(u: Uint16Array, from: number, to: number): number {
    let h = FNV_OFFSET;
    for (let k = from; k < to; k++) h = Math.imul(h ^ lowerAscii(u[k] as number), FNV_PRIME);
    return h;
  }

  function hashKey(key: string): number {
    let h = FNV_OFFSET;
    for (let k = 0; k < key.length; k++)
      h = Math.imul(h ^ lowerAscii(key.charCodeAt(k)), FNV_PRIME);
    return h;
  }

  /** Whether the key of the slot entry `packed` (see slots) is `u[from, to)` lower-cased. */
  function keyMatchesUnits(packed: number, u: Uint16Array, from: number, to: number): boolean {
    if (packed >>> ID_BITS !== to - from) return false;
    const key = entryData[((packed & ID_MASK) - 1) * ENTRY_INTS + E_KEY] as number;
    if (key < 0) return false;
    const start = key - from;
    for (let k = from; k < to; k++) {
      if (keyPool[start + k] !== lowerAscii(u[k] as number)) return false;
    }
    return true;
  }

  function keyMatchesString(packed: number, w: string): boolean {
    if (packed >>> ID_BITS !== w.length) return false;
    const start = entryData[((packed & ID_MASK) - 1) * ENTRY_INTS + E_KEY] as number;
    if (start < 0) {
      const wide = ~start;
      for (let k = 0; k < w.length; k++)
        if (wideKeyPool[wide + k] !== w.charCodeAt(k)) return false;
      return true;
    }
    for (let k = 0; k < w.length; k++) if (keyPool[start + k] !== w.charCodeAt(k)) return false;
    return true;
  }

  /** Slot of the ASCII word `u[from, to)` (lower-cased) with hash `h`: its own or the empty one. */
  function slotOfAscii(h: number, u: Uint16Array, from: number, to: number): number {
    let slot = Math.imul(h, GOLDEN) >>> (32 - TABLE_BITS);
    for (;;) {
      const base = slot * SLOT_INTS;
      const packed = slots[base + 1] as number;
      if (packed === 0) return slot;
      if (slots[base] === h && keyMatchesUnits(packed, u, from, to)) return slot;
      slot = (slot + 1) & TABLE_MASK;
    }
  }

  function slotOfKey(h: number, w: string): number {
    let slot = Math.imul(h, GOLDEN) >>> (32 - TABLE_BITS);
    for (;;) {
      const base = slot * SLOT_INTS;
      const packed = slots[base + 1] as number;
      if (packed === 0) return slot;
      if (slots[base] === h && keyMatchesString(packed, w)) return slot;
      slot = (slot + 1) & TABLE_MASK;
    }
  }

  function setEntry(id: number, key: string, entry: WordEntry): void {
    wordVote.fill(0);
    const votes = markerVoteOf(key, wordVote);
    // A key of at most MAX_CACHED_WORD (1,024) characters holds at most 512 marker words of weight
    // at most 5: the sums fit in 16 bits. Longer words are flagged for language ID's own scan.
    const voteFlag =
      votes < 0 || key.length > MAX_CACHED_WORD ? F_VOTE_SLOW : votes > 0 ? F_MARKER : 0;
    if (voteFlag === F_MARKER) entryVote.set(wordVote, id * VOTES);
    const at = id * ENTRY_INTS;
    entryData[at + E_FLAGS] =
      (entry.role ?? 0) |
      (entry.elongated ? F_ELONGATED : 0) |
      (entry.parts !== undefined ? F_PARTS : 0) |
      (entry.negated !== entry.token ? F_NEGATABLE : 0) |
      voteFlag;
    entryData[at + E_TOKEN_HASH] = entry.tokenHash;
    entryData[at + E_NEGATED_HASH] = entry.negatedHash;
    entryToken[id] = entry.token;
    entryNegated[id] = entry.negated;
    entryParts[id] = entry.parts;
  }

  /** Analyses `w`, caches it in `slot` (an empty slot for it) and returns its entry id. */
  function storeEntry(slot: number, h: number, w: string): number {
    const entry = analyzeWord(w);
    if (w.length > MAX_CACHED_WORD) {
      setEntry(tableSize, w, entry);
      return tableSize;
    }
    let at = slot;
    let ascii = true;
    for (let k = 0; k < w.length; k++) if (w.charCodeAt(k) >= 128) ascii = false;
    if (
      tableSize >= WORD_CACHE_MAX ||
      (ascii ? poolUsed + w.length > keyPool.length : wideUsed + w.length > wideKeyPool.length)
    ) {
      slots.fill(0);
      entryToken.length = 0;
      entryNegated.length = 0;
      entryParts.length = 0;
      tableSize = 0;
      poolUsed = 0;
      wideUsed = 0;
      at = slotOfKey(h, w);
    }
    const id = tableSize++;
    setEntry(id, w, entry);
    const base = at * SLOT_INTS;
    slots[base] = h;
    slots[base + 1] = (id + 1) | (w.length << ID_BITS);
    if (ascii) {
      for (let k = 0; k < w.length; k++) keyPool[poolUsed + k] = w.charCodeAt(k);
      entryData[id * ENTRY_INTS + E_KEY] = poolUsed;
      poolUsed += w.length;
    } else {
      for (let k = 0; k < w.length; k++) wideKeyPool[wideUsed + k] = w.charCodeAt(k);
      entryData[id * ENTRY_INTS + E_KEY] = ~wideUsed;
      wideUsed += w.length;
    }
    return id;
  }

  /**
   * Entry id of the word `s[from, to)`, all ASCII, whose lower-cased hash is `h`: lower-cased on the
   * fly, no substring on a hit.
   */
  function lookupAscii(h: number, s: string, u: Uint16Array, from: number, to: number): number {
    const slot = slotOfAscii(h, u, from, to);
    const id = (slots[slot * SLOT_INTS + 1] as number) & ID_MASK;
    if (id !== 0) return id - 1;
    return storeEntry(slot, h, s.slice(from, to).toLowerCase());
  }

  /** Entry id of an already lower-cased word (words with non-ASCII letters take this path). */
  function lookupWord(w: string): number {
    const h = hashKey(w);
    const slot = slotOfKey(h, w);
    const id = (slots[slot * SLOT_INTS + 1] as number) & ID_MASK;
    return id !== 0 ? id - 1 : storeEntry(slot, h, w);
  }

  function analyzeWord(word: string): WordEntry {
    let w = word;
    if (w.length > 2 && w.includes('2')) w = expandReduplication(w);
    const [collapsed, elongated] = collapseElongation(w);
    const n = normalizeWord(collapsed);
    if (n.includes(' ')) {
      const h = wordHash(n);
      return {
        token: n,
        role: undefined,
        parts: n.split(' '),
        elongated,
        negated: n,
        tokenHash: h,
        negatedHash: h,
      };
    }
    const negated = isAsciiAlnum(n.charCodeAt(0)) ? NEG_PREFIX + n : n;
    return {
      token: n,
      role: ROLE.get(n),
      parts: undefined,
      elongated,
      negated,
      tokenHash: wordHash(n),
      negatedHash: wordHash(negated),
    };
  }

  // Emitter state for the tokenize call in progress, shared by the emit helpers below.
  let out: string[] = [];
  let negate = false;
  /** wordHash of each token of `out`, same index; reused by the next call (see tokenHashes). */
  let hashes = new Int32Array(256);
  /**
   * Language ID's marker vote of the text being tokenized (see markerVote), and whether it is
   * exactly what language ID's own scan of the original text adds up.
   */
  const vote = new Int32Array(VOTES);
  let voteExact = false;

  /** Whether the word `u[from, to)` ends with "http" or "https" (any case) after other characters. */
  function endsWithScheme(u: Uint16Array, from: number, to: number): boolean {
    const end = ((u[to - 1] as number) | 32) === 115 ? to - 1 : to;
    return (
      end - 4 > from &&
      ((u[end - 4] as number) | 32) === 104 &&
      ((u[end - 3] as number) | 32) === 116 &&
      ((u[end - 2] as number) | 32) === 116 &&
      ((u[end - 1] as number) | 32) === 112
    );
  }

  function push(t: string, h: number): void {
    const k = out.length;
    if (k >= hashes.length) {
      const grown = new Int32Array(hashes.length * 2);
      grown.set(hashes);
      hashes = grown;
    }
    hashes[k] = h;
    out.push(t);
  }

  const H_USER = wordHash('_user_');
  const H_HASHTAG = wordHash('_hashtag_');
  const H_NUM = wordHash('_num_');
  const H_URL = wordHash('_url_');
  const H_ELONG = wordHash('_elong_');
  const H_BANG = wordHash('!');
  const H_QUESTION = wordHash('?');

  /** A normalised word (or placeholder/emoji), applying slang and negation. */
  function emitWord(raw: string): void {
    const w = raw.charCodeAt(0) === 95 ? raw : normalizeWord(raw);
    // Only slang expansions contain spaces ("gpp" → "tidak apa-apa").
    if (w !== raw && w.includes(' ')) {
      for (const part of w.split(' ')) emitPlain(part);
      return;
    }
    emitPlain(w);
  }

  function emitPlain(t: string): void {
    emitWithRole(t, ROLE.get(t));
  }

  function emitWithRole(t: string, role: number | undefined): void {
    if (role === BREAKER) {
      negate = false;
      push(t, wordHash(t));
    } else if (role === NEGATOR) {
      negate = true;
      push(t, wordHash(t));
    } else if (negate && role !== INTENSIFIER && isAsciiAlnum(t.charCodeAt(0))) {
      // Only words take the mark: placeholders and emoji keep their own polarity.
      const marked = NEG_PREFIX + t;
      push(marked, wordHash(marked));
      negate = false;
    } else {
      push(t, wordHash(t));
    }
  }

  /** emitWithRole for a cached word: the same decisions, with the negated form prebuilt. */
  function emitEntry(id: number, flags: number): void {
    const role = flags & ROLE_MASK;
    if (role === NEGATOR) {
      negate = true;
    } else if (role === BREAKER) {
      negate = false;
    } else if (negate && role !== INTENSIFIER && (flags & F_NEGATABLE) !== 0) {
      push(entryNegated[id] as string, entryData[id * ENTRY_INTS + E_NEGATED_HASH] as number);
      negate = false;
      return;
    }
    push(entryToken[id] as string, entryData[id * ENTRY_INTS + E_TOKEN_HASH] as number);
  }

  /**
   * Tokens of a post: normalised words, placeholders (`_url_`, `_user_`, `_hashtag_`, `_num_`,
   * `_elong_`, `_laugh_`, `_emopos_`, `_emoneg_`, `_emolaugh_`), emoji, `!`/`?`, with negation
   * marked on the first content word after a negator (intensifiers in between are skipped; a clause
   * break ends the scope).
   */
  /** The text as the scan sees it: NFKC where it can matter, entities blanked, emoticons named. */
  function rewrite(text: string): string {
    let s = text;
    if (needsNfkc(s)) {
      // NFKC folds "𝐛𝐚𝐠𝐮𝐬" and full-width letters into plain ones; emoji survive it.
      s = s.normalize('NFKC');
    }
    if (s.includes('&')) s = s.replace(/&(?:amp|lt|gt|quot|#39);/g, ' ');
    if (EMOTICON_HINT_RE.test(s) || startsLikeEmoticon(s)) s = replaceEmoticons(s);
    return s;
  }

  function replaceEmoticons(text: string): string {
    let s = text;
    for (const [re, token] of EMOTICONS) s = s.replace(re, token);
    return s;
  }

  /**
   * While true, the scan in progress reads the text as given and has not yet run `prescan`: it
   * calls `plainSoFar` at every code unit prescan would look at (non-ASCII, '&', whitespace before
   * an emoticon start), so an ASCII post without those never pays for the separate pre-pass.
   */
  let unchecked = false;
  let pre = PRE_PLAIN;

  /**
   * Runs the pre-pass over the whole text once the scan meets a code unit it cares about: true
   * (and no further checks) when the text needs no rewrite, false when the scan must start over on
   * the rewritten text.
   */
  function plainSoFar(u: Uint16Array, n: number): boolean {
    unchecked = false;
    pre = prescan(u, n);
    return pre === PRE_PLAIN;
  }

  function tokenize(text: string): string[] {
    let s = text;
    let u = loadUnits(s);
    unchecked = true;
    pre = PRE_PLAIN;
    let n = s.length;
    if (emoticonAt(u, 0)) plainSoFar(u, n);
    // The scan runs at most twice: a first pass over the text as given, abandoned when the pre-pass
    // finds the text must be rewritten (NFKC, entities, emoticons), then a pass over the rewritten
    // text. Word-cache entries the abandoned pass made are pure functions of their words.
    scan: for (;;) {
      if (pre !== PRE_PLAIN) {
        unchecked = false;
        s = pre === PRE_REWRITE ? rewrite(s) : replaceEmoticons(s);
        u = loadUnits(s);
        n = s.length;
      }

      out = [];
      negate = false;
      vote.fill(0);
      // Rewritten text no longer lines up with the original that language ID reads.
      voteExact = pre === PRE_PLAIN;
      let i = 0;
      while (i < n) {
        const c = u[i] as number;
        if (c === 32) {
          // Spaces are a sixth of a post and need none of the checks below.
          if (unchecked && emoticonAt(u, i + 1) && !plainSoFar(u, n)) continue scan;
          i++;
          continue;
        }

        if (c === 95 /* _ */) {
          // Placeholder inserted by the emoticon pass.
          let j = i + 1;
          while (j < n && (u[j] as number) >= 97 && (u[j] as number) <= 122) j++;
          if (j < n && j > i + 1 && (u[j] as number) === 95) {
            // Language ID reads the letters of a placeholder the original text happens to contain.
            voteExact = false;
            const placeholder = s.slice(i, j + 1);
            push(placeholder, wordHash(placeholder));
            i = j + 1;
          } else {
            i++;
          }
          continue;
        }

        if (
          (c === 64 /* @ */ || c === 35) /* # */ &&
          (i === 0 || !isWordUnit(u[i - 1] as number))
        ) {
          let j = i + 1;
          let asciiTag = true;
          for (; j < n; j++) {
            const cj = u[j] as number;
            if (cj < 128 ? !isAsciiAlnum(cj) && cj !== 95 : !isNonAsciiLetter(cj)) break;
            if (cj >= 128) {
              if (unchecked && !plainSoFar(u, n)) continue scan;
              asciiTag = false;
            }
          }
          if (j > i + 1) {
            // Language ID's tag ends at the first non-ASCII letter and reads on from there.
            if (!asciiTag) voteExact = false;
            if (c === 64) {
              push('_user_', H_USER);
            } else {
              push('_hashtag_', H_HASHTAG);
              for (const w of hashtagWords(s.slice(i + 1, j)))
                emitWord(isDigit(w.charCodeAt(0)) ? '_num_' : w);
            }
            i = j;
            continue;
          }
          i++;
          continue;
        }

        if (isWordUnit(c)) {
          let j = i + 1;
          if (isDigit(c)) {
            // Numbers, prices included: 15.000, 2,5.
            while (
              j < n &&
              (isDigit(u[j] as number) ||
                (((u[j] as number) === 46 || (u[j] as number) === 44) &&
                  isDigit(u[j + 1] as number)))
            )
              j++;
            if (j >= n || !isWordUnit(u[j] as number)) {
              push('_num_', H_NUM);
              i = j;
              continue;
            }
          }
          // The scan hashes the word as it goes (ASCII lower-cased), so a word seen before is found
          // without a substring. Only words with a non-ASCII letter need toLowerCase and a substring.
          let ascii = c < 128;
          if (!ascii && unchecked && !plainSoFar(u, n)) continue scan;
          let h = hashLowerAscii(u, i, j);
          while (j < n) {
            const cj = u[j] as number;
            if (cj < 128) {
              if (isAsciiAlnum(cj)) {
                h = Math.imul(h ^ lowerAscii(cj), FNV_PRIME);
                j++;
              } else if ((cj === 45 || cj === 39) && j + 1 < n && isWordUnit(u[j + 1] as number)) {
                // Hyphen or apostrophe inside a word: "apa-apa", "ber'uang".
                const ck = u[j + 1] as number;
                if (ck >= 128) {
                  if (unchecked && !plainSoFar(u, n)) continue scan;
                  ascii = false;
                }
                h = Math.imul(Math.imul(h ^ cj, FNV_PRIME) ^ lowerAscii(ck), FNV_PRIME);
                j += 2;
              } else break;
            } else if (isNonAsciiLetter(cj)) {
              if (unchecked && !plainSoFar(u, n)) continue scan;
              ascii = false;
              j++;
            } else break;
          }
          // URLs: scheme, www., or a bare domain with a path. Each form has ':' or '.' right after
          // the word, so other words skip the check.
          const next = j < n ? (u[j] as number) : 0;
          if (next === 58 || next === 46) {
            const w = s.slice(i, j).toLowerCase();
            if (startsUrl(w, s, j)) {
              const from = i;
              while (j < n && !isSpace(u[j] as number)) {
                const cu = u[j] as number;
                if (unchecked && (cu >= 128 || cu === 38 || cu <= 13) && !plainSoFar(u, n))
                  continue scan;
                // Vertical tab and form feed end a URL for language ID, not here.
                if (cu === 11 || cu === 12) voteExact = false;
                j++;
              }
              // Language ID skips "http(s)://…" as this scan does, but reads the words of "www.…"
              // and bare domains: take them from the same code units.
              if (
                w !== 'http' &&
                w !== 'https' &&
                voteExact &&
                voteRange(u, n, from, j, vote) < 0
              ) {
                voteExact = false;
              }
              push('_url_', H_URL);
              i = j;
              continue;
            }
            // "lihathttps://…": language ID's URL starts inside this word.
            if (next === 58 && endsWithScheme(u, i, j)) voteExact = false;
          }
          const id = ascii ? lookupAscii(h, s, u, i, j) : lookupWord(s.slice(i, j).toLowerCase());
          i = j;
          const flags = entryData[id * ENTRY_INTS + E_FLAGS] as number;
          if ((flags & F_MARKER) !== 0) {
            const base = id * VOTES;
            for (let k = 0; k < VOTES; k++)
              vote[k] = (vote[k] as number) + (entryVote[base + k] as number);
          } else if ((flags & F_VOTE_SLOW) !== 0) voteExact = false;
          if ((flags & F_PARTS) === 0) emitEntry(id, flags);
          else for (const part of entryParts[id] as string[]) emitPlain(part);
          if ((flags & F_ELONGATED) !== 0) push('_elong_', H_ELONG);
          continue;
        }

        if (c === 33 /* ! */ || c === 63 /* ? */) {
          negate = false;
          if (c === 33) push('!', H_BANG);
          else push('?', H_QUESTION);
          i++;
          continue;
        }
        if (c === 46 || c === 44 || c === 59 || c === 58) {
          negate = false;
          i++;
          continue;
        }

        if (c === 64 || c === 35) {
          // '@' or '#' right after a word ("nama@mail.com"): language ID still reads a tag there.
          voteExact = false;
          i++;
          continue;
        }

        if (c >= 128) {
          if (unchecked && !plainSoFar(u, n)) continue scan;
          const cp = s.codePointAt(i) as number;
          const emoji = emojiTokens(cp);
          if (emoji !== undefined) {
            for (let k = 0; k < emoji.tokens.length; k++) {
              push(emoji.tokens[k] as string, emoji.hashes[k] as number);
            }
          }
          i += cp > 0xffff ? 2 : 1;
          continue;
        }
        // '&' may start an entity; tab, line feed and the like may precede an emoticon.
        if (unchecked && (c === 38 || c <= 13) && !plainSoFar(u, n)) continue scan;
        i++;
      }
      return out;
    }
  }

  /**
   * wordHash of each token of the last `tokenize` call, same index (only the first `length` entries
   * of that call's tokens are valid). The buffer is reused by the next call. The scan already knows
   * each cached word's hash, so the feature hasher needs no per-token string hashing or map probe.
   */
  function tokenHashes(): Int32Array {
    return hashes;
  }

  /**
   * Language ID's marker vote of the text of the last `tokenize` call, taken by the same scan: the
   * weights per language (language.ts VOTE_LANGS order) that `detectLanguage` would add up for that
   * text, or undefined when they may differ and language ID must scan the text itself. That is the
   * case for text the tokenizer rewrites (NFKC, entities, emoticons) and for the few constructs the
   * two scans read differently (a tag right after a word, a URL starting mid-word, a placeholder
   * already in the text). The buffer is reused by the next call.
   */
  function markerVote(): Int32Array | undefined {
    return voteExact ? vote : undefined;
  }

  return { markerVote, normalizeWord, tokenHashes, tokenize, wordHash };
}

const tokenizer = createTokenizer();
const markerVote = tokenizer.markerVote;
const normalizeWord = tokenizer.normalizeWord;
const tokenHashes = tokenizer.tokenHashes;
const tokenize = tokenizer.tokenize;
const wordHash = tokenizer.wordHash;

export { markerVote, NEG_PREFIX, normalizeWord, tokenHashes, tokenize, wordHash };
