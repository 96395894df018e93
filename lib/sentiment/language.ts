/**
 * Language identification for short posts: Indonesian, Malay, Javanese, Sundanese, English, and
 * 'und' when the text gives too little evidence. Statistical identifiers trained on long documents
 * do poorly on 10-word posts in closely related languages; distinctive function words and
 * colloquial markers are the robust signal, so this is a weighted marker-word vote.
 */
import { createUnitReader } from './units.ts';

/** Marker words per language with weights; a word shared by several languages is listed in each. */
const MARKERS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  id: weights(
    'tidak:3 gak:3 nggak:3 ga:2 gk:2 enggak:3 tdk:3 bukan:2 belum:1 sudah:1 udah:3 udh:3 sdh:2 yang:2 yg:3 dan:1 di:1 ke:1 dari:1 dr:1 untuk:2 utk:3 dengan:1 dgn:2 ini:1 itu:1 ada:1 akan:1 bisa:3 bs:2 karena:3 krn:3 karna:3 juga:2 jg:2 saja:2 aja:3 banget:3 bgt:3 sangat:1 sekali:1 kalau:2 kalo:3 klo:3 tapi:2 tp:2 saya:1 aku:1 gue:3 gw:3 kamu:2 lu:2 lo:2 mereka:1 kita:1 kami:1 pemerintah:3 harga:1 uang:3 sekarang:2 skrg:3 gimana:3 bagaimana:2 kenapa:3 knp:3 apa:1 mau:1 lagi:1 lg:2 masih:1 banyak:1 baru:1 orang:1 rakyat:2 warga:2 jalan:1 macet:2 banjir:2 mahal:1 murah:1 naik:1 turun:1 bagus:1 jelek:2 enak:1 kok:2 sih:3 dong:3 deh:3 nih:3 tuh:3 loh:2 kan:1 emang:3 memang:2 begitu:2 gitu:3 gini:3 cuma:2 doang:3 kayak:3 seperti:2 ingin:2 pengen:3 tahu:1 tau:2 nya:1 dapat:1 dapet:3 bikin:3 terus:1 trus:2 ya:1 pak:1 bu:1 mas:1 hari:1 tahun:1 jokowi:2 presiden:2 menteri:2 kebijakan:3 bansos:3 sekolah:1 rumah:1 sakit:1 bpjs:3',
  ),
  ms: weights(
    'tak:2 tidak:1 sudah:1 dah:1 yang:1 dan:1 di:1 ke:1 dari:1 untuk:1 dengan:1 ini:1 itu:1 ada:1 akan:1 boleh:3 kerana:4 sebab:1 juga:1 sahaja:4 saja:1 sangat:1 sekali:1 kalau:1 tetapi:1 tapi:1 saya:1 aku:1 awak:4 kau:1 mereka:1 kita:1 kami:1 kerajaan:4 wang:4 harga:1 sekarang:1 bagaimana:2 macam:3 mana:1 kenapa:1 mengapa:2 apa:1 mahu:4 nak:3 lagi:1 masih:1 banyak:1 baru:1 orang:1 rakyat:1 jalan:1 bagus:1 cantik:1 hendak:3 pun:1 lah:2 ni:2 tu:2 je:3 jer:3 ke:1 betul:3 sikit:3 kat:3 dekat:1 percuma:4 bas:3 kereta:3 polis:4 kerja:1 sedang:1 baik:1 negeri:2 malaysia:4 ringgit:4 ialah:3 adalah:1 telah:1 beliau:1 selepas:3 semasa:3 daripada:1 kepada:1 terima:1 kasih:1 berkata:2 tersebut:1 gembira:1',
  ),
  jv: weights(
    'ora:4 ndak:2 gak:1 wis:3 wes:3 durung:4 sing:3 lan:3 karo:3 ning:3 neng:3 nang:3 saka:3 soko:3 kanggo:4 iki:3 kuwi:4 iku:3 ana:3 onok:3 isa:3 iso:3 bisa:1 amarga:4 mergo:4 mergane:4 uga:3 wae:4 bae:2 banget:1 pol:2 aku:1 kowe:4 koe:4 awakmu:4 dheweke:4 deweke:4 kabeh:3 arep:3 pengin:3 kepengin:4 piye:4 kepiye:4 opo:3 apa:1 ngapa:3 ngopo:4 lagi:1 isih:4 akeh:4 anyar:3 uwong:4 wong:2 dalan:3 apik:3 elek:3 enak:1 ayu:2 seneng:3 susah:1 duwe:4 gawe:3 mung:3 tak:1 dak:2 mangan:4 turu:4 lunga:4 teka:3 mboten:5 nggih:4 sampun:4 kula:4 panjenengan:5 matur:3 nuwun:4 sugeng:4 ingkang:4 saking:3 dados:3 badhe:4 wonten:4 mawon:4 lho:2 tho:3 to:1 yo:2 wingi:4 sesuk:4 saiki:4 mau:1 bengi:3 esuk:3 omah:4 dhuwit:4 duit:2 rego:4 larang:4 murah:1 jalaran:4 ngerti:3 weruh:4 ngomong:3 mbok:3 dewe:3 dhewe:3 ae:3 kok:1 seh:2 rek:3 cah:3 bocah:3 kae:4 kene:3 kono:4 sithik:4 gedhe:4 cilik:3',
  ),
  su: weights(
    'teu:4 henteu:5 moal:4 acan:4 tacan:4 geus:4 atos:4 tos:3 nu:3 jeung:4 sareng:4 di:1 ka:2 ti:3 pikeun:5 kanggo:2 ieu:4 eta:3 éta:4 aya:3 tiasa:4 bisa:1 sabab:3 kusabab:4 oge:4 ogé:4 wae:2 bae:2 pisan:4 abdi:4 urang:3 maneh:4 manéh:4 anjeun:5 aranjeunna:5 sadayana:5 hoyong:5 embung:4 hayang:4 kumaha:5 naon:5 naha:3 keur:4 nuju:4 masih:1 loba:4 seueur:5 anyar:1 jalma:4 jalan:1 alus:4 sae:4 saé:4 goreng:2 hese:4 hésé:4 gampil:4 mah:3 teh:3 téh:4 atuh:5 euy:5 sok:2 mangga:3 hatur:5 nuhun:5 wilujeng:5 kieu:5 kitu:4 dieu:4 ditu:4 didieu:5 ayeuna:5 kamari:4 isukan:4 imah:4 duit:2 artos:4 mahal:1 murah:1 ngarti:4 nyaho:5 ceuk:4 cenah:4 sanes:4 lain:1 leutik:5 gede:3 saeutik:5 saha:4 iraha:5 dimana:1 kamana:4',
  ),
  en: weights(
    'the:4 and:2 is:3 are:3 was:3 were:3 of:3 to:2 in:1 not:3 no:1 this:3 that:3 you:3 i:2 it:2 with:3 for:3 very:3 good:3 bad:3 but:2 have:3 has:3 be:2 will:3 would:3 can:2 what:3 why:3 how:3 they:3 we:2 my:3 your:3 our:3 their:3 so:1 just:2 like:2 people:3 government:4 price:3 prices:3 school:3 road:3 flood:3 health:2 insurance:3 great:3 love:3 hate:3 thanks:3 thank:3 please:3 do:2 does:3 did:3 an:2 a:1 on:1 at:1 from:2 by:2 about:3 all:1 more:2 out:2 up:1 there:3 been:3 should:3 could:3 because:4 really:3 new:1 now:1 today:2',
  ),
};

function weights(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of spec.split(' ')) {
    const [w, n] = pair.split(':');
    out[w as string] = Number(n);
  }
  return out;
}

/**
 * Language ID's tables, state and code, built once at module load. What the per-post code reads
 * lives in this function's scope rather than at module level: esbuild (which builds the Lambda)
 * rewrites every top-level `const` into `var`, and V8 then re-reads such tables and constants from
 * mutable slots in the hot loops (issue #3). Locals of a closure stay `const` in the bundle.
 */
function createLanguageId() {
  const LANGS = Object.keys(MARKERS);
  /** word → weight per language (LANGS order): one lookup per word instead of one per language. */
  const WORD_WEIGHTS: ReadonlyMap<string, Float64Array> = (() => {
    const m = new Map<string, Float64Array>();
    LANGS.forEach((lang, k) => {
      for (const [w, wt] of Object.entries(MARKERS[lang] ?? {})) {
        let v = m.get(w);
        if (!v) {
          v = new Float64Array(LANGS.length);
          m.set(w, v);
        }
        v[k] = wt;
      }
    });
    return m;
  })();
  /** Languages the built-in model handles: Indonesian and its close neighbours. */
  const BUILTIN_LANGS: ReadonlySet<string> = new Set(['id', 'ms', 'jv', 'su', 'und']);

  /** Below this much marker weight a post is 'und' unless the source's tag decides it. */
  const MIN_EVIDENCE = 3;

  /**
   * Normalises a source's language tag: X's 'in' and legacy codes to 'id', region and script
   * suffixes dropped, lower-case; empty, missing or unparsable to 'und'.
   */
  function normalizeLang(code: string | undefined): string {
    if (code === undefined) return 'und';
    const primary = code.trim().toLowerCase().split(/[-_]/)[0] ?? '';
    if (!/^[a-z]{2,3}$/.test(primary)) return 'und';
    switch (primary) {
      case 'in':
      case 'ind':
        return 'id';
      case 'msa':
      case 'zsm':
        return 'ms';
      case 'jav':
      case 'jw':
        return 'jv';
      case 'sun':
        return 'su';
      case 'eng':
        return 'en';
      case 'und':
      case 'zxx':
      case 'qme':
      case 'qht':
      case 'qam':
      case 'art':
        return 'und';
      default:
        return primary;
    }
  }

  /**
   * The marker vote has two implementations that must agree on every text. The reference is the
   * definition: lower-case the text, blank out URLs and @/# tags, collapse letters repeated 3+ times,
   * then look up every [a-zé]+ run. It allocated a lower-cased copy, two replaced copies and a match
   * array per word, which cost as much as scoring the post, so the vote normally comes from one scan
   * over the original text that does the same steps in place (allocation-free). The scan hands over
   * to the reference on the rare characters whose lower case it does not mirror (for example 'İ',
   * which lower-cases to two characters, or the Kelvin sign, which becomes 'k').
   */

  /** Character classes of the reference expressions, seen after lower-casing. */
  const OTHER = 1; // ends a word; part of a URL (\S); not \w
  const LETTER = 2; // [a-z]: word letter and \w
  const E_ACUTE = 3; // é: word letter but not \w (no `u` flag) and never collapsed
  const WORD = 4; // \w that is not a word letter: digits, '_'
  const SPACE = 5; // \s: ends a URL
  const SLOW = 6; // lower-cases into something else the scan cannot mirror: use the reference

  /** Class per UTF-16 code unit, filled lazily (0: not yet classified). */
  const CLASS = new Uint8Array(0x10000);

  function classify(c: number): number {
    const ch = String.fromCharCode(c);
    if (/\s/.test(ch)) return SPACE;
    if (c >= 65 && c <= 90) return LETTER;
    if (c < 128) return /[a-z]/.test(ch) ? LETTER : /\w/.test(ch) ? WORD : OTHER;
    const lower = ch.toLowerCase();
    if (lower === 'é') return E_ACUTE;
    return /[\w\sé]/.test(lower) ? SLOW : OTHER;
  }

  function classOf(c: number): number {
    let k = CLASS[c] as number;
    if (k === 0) {
      k = classify(c);
      CLASS[c] = k;
    }
    return k;
  }
  for (let c = 0; c < 128; c++) classOf(c);

  /** Marker words by FNV-1a hash of their characters, open addressing. */
  const MARKER_BITS = 12;
  const MARKER_MASK = (1 << MARKER_BITS) - 1;
  const markerKeys: (string | undefined)[] = new Array<string | undefined>(1 << MARKER_BITS).fill(
    undefined,
  );
  const markerWeights: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(
    1 << MARKER_BITS,
  ).fill(undefined);
  let maxMarkerLength = 0;

  const FNV_OFFSET = 0x811c9dc5 | 0;
  const FNV_PRIME = 0x01000193;

  function markerSlot(h: number): number {
    return Math.imul(h, 0x9e3779b1 | 0) >>> (32 - MARKER_BITS);
  }

  for (const [word, wts] of WORD_WEIGHTS) {
    let h = FNV_OFFSET;
    for (let k = 0; k < word.length; k++) h = Math.imul(h ^ word.charCodeAt(k), FNV_PRIME);
    let slot = markerSlot(h);
    while (markerKeys[slot] !== undefined) slot = (slot + 1) & MARKER_MASK;
    markerKeys[slot] = word;
    markerWeights[slot] = wts;
    maxMarkerLength = Math.max(maxMarkerLength, word.length);
  }

  /** The current word's lower-cased, collapsed characters (kept between calls: no allocation per post). */
  let word = new Uint16Array(256);

  /** Weights of the marker word in `w[0, len)`, if it is one. */
  function markerWeightsOf(w: Uint16Array, len: number): Float64Array | undefined {
    if (len === 0 || len > maxMarkerLength) return undefined;
    let h = FNV_OFFSET;
    for (let k = 0; k < len; k++) h = Math.imul(h ^ (w[k] as number), FNV_PRIME);
    for (let slot = markerSlot(h); ; slot = (slot + 1) & MARKER_MASK) {
      const key = markerKeys[slot];
      if (key === undefined) return undefined;
      if (key.length !== len) continue;
      let k = 0;
      while (k < len && key.charCodeAt(k) === w[k]) k++;
      if (k === len) return markerWeights[slot];
    }
  }

  /** The post's code units (see units.ts); the scan reads them rather than the string. */
  const loadUnits = createUnitReader();

  function classAt(u: Uint16Array, i: number): number {
    const c = u[i] as number;
    return c < 128 ? (CLASS[c] as number) : classOf(c);
  }

  /** Whether the lower-cased text `u[0, n)` has `https?://` and a non-space at `i`. */
  function urlAt(u: Uint16Array, n: number, i: number): boolean {
    // "http://" and one more character; every read below stays inside the text.
    if (i + 8 > n) return false;
    if (((u[i + 1] as number) | 32) !== 116 || ((u[i + 2] as number) | 32) !== 116) return false;
    if (((u[i + 3] as number) | 32) !== 112) return false;
    let j = i + 4;
    if (((u[j] as number) | 32) === 115) j++;
    if (u[j] !== 58 || u[j + 1] !== 47 || u[j + 2] !== 47) return false;
    return j + 3 < n && classAt(u, j + 3) !== SPACE;
  }

  /**
   * Adds the marker weights of `text` to `acc` (LANGS order) in one scan; returns their total, or -1
   * when the text needs the reference implementation.
   */
  function voteByScan(text: string, acc: Float64Array | Int32Array): number {
    const n = text.length;
    return voteRange(loadUnits(text), n, 0, n, acc);
  }

  /**
   * voteByScan over the code units `u[from, to)` of a text of length `n` (`u[n]` is 0), starting as
   * at the start of a text. `u[to]` must end a word and a URL (whitespace or the end): the tokenizer
   * hands over URL-like runs it skips but the reference reads (see `markerVoteOfRange`).
   */
  function voteRange(
    u: Uint16Array,
    n: number,
    from: number,
    to: number,
    acc: Float64Array | Int32Array,
  ): number {
    if (word.length < to - from) word = new Uint16Array(to - from);
    // Function locals: the enclosing closure's bindings are re-read on every access otherwise.
    const w = word;
    const classes = CLASS;
    let total = 0;
    let len = 0;
    let run = 0;
    /** Last letter kept, -1 after 'é' or a word break: only [a-z] runs collapse. */
    let prev = -1;
    let i = from;
    for (;;) {
      // Past the end reads the zero sentinel (or the whitespace at `to`), which ends the last word
      // like any separator.
      const c = u[i] as number;
      const cls = c < 128 ? (classes[c] as number) : classOf(c);
      if (cls === LETTER || cls === E_ACUTE) {
        const lc = cls === LETTER ? c | 32 : 0xe9;
        if ((c === 104 || c === 72) && urlAt(u, n, i)) {
          // A URL starts mid-word too: the reference blanks it out before splitting words.
        } else {
          // Letters repeated 3+ times collapse to one: keep two, drop the second on the third.
          if (lc !== prev) {
            run = 1;
            w[len++] = lc;
            prev = cls === LETTER ? lc : -1;
          } else if (++run <= 2) w[len++] = lc;
          else if (run === 3) len--;
          i++;
          continue;
        }
      }
      if (cls === SLOW) return -1;
      if (len > 0) {
        const wts = markerWeightsOf(w, len);
        if (wts !== undefined) {
          for (let k = 0; k < acc.length; k++) {
            const wt = wts[k] as number;
            acc[k] = (acc[k] as number) + wt;
            total += wt;
          }
        }
        len = 0;
        prev = -1;
      }
      if (i >= to) return total;
      if (c === 104 || c === 72) {
        // Here only at a URL (a plain 'h' is a letter): skip to the next whitespace.
        i = skipUrl(u, n, i);
        if (i < 0) return -1;
      } else if ((c === 64 || c === 35) && i + 1 < n && isWordUnit(u[i + 1] as number)) {
        i = skipTag(u, n, i + 1);
        if (i < 0) return -1;
      } else {
        i++;
      }
    }
  }

  function isWordUnit(c: number): boolean {
    const cls = c < 128 ? (CLASS[c] as number) : classOf(c);
    return cls === LETTER || cls === WORD || cls === SLOW;
  }

  /** End of the URL starting at `i` (the reference's `https?:\/\/\S+`), or -1 for the reference. */
  function skipUrl(u: Uint16Array, n: number, i: number): number {
    let j = i;
    while (j < n) {
      const cls = classAt(u, j);
      if (cls === SPACE) break;
      if (cls === SLOW) return -1;
      j++;
    }
    return j;
  }

  /** End of the tag body starting at `i` (the reference's `\w+`), or -1 for the reference. */
  function skipTag(u: Uint16Array, n: number, i: number): number {
    let j = i;
    while (j < n) {
      const cls = classAt(u, j);
      if (cls === SLOW) return -1;
      if (cls !== LETTER && cls !== WORD) break;
      j++;
    }
    return j;
  }

  const WORD_RE = /[a-zé]+/g;

  /** The reference marker vote (see above); same contract as voteByScan, never -1. */
  function voteByRegex(text: string, acc: Float64Array): number {
    let lower = text.toLowerCase();
    if (lower.includes('http') || lower.includes('@') || lower.includes('#')) {
      lower = lower.replace(/https?:\/\/\S+|[@#]\w+/g, ' ');
    }
    lower = lower.replace(/([a-z])\1{2,}/g, '$1');
    let total = 0;
    for (const m of lower.matchAll(WORD_RE)) {
      const weightsFor = WORD_WEIGHTS.get(m[0]);
      if (weightsFor === undefined) continue;
      for (let k = 0; k < acc.length; k++) {
        const wt = weightsFor[k] as number;
        acc[k] = (acc[k] as number) + wt;
        total += wt;
      }
    }
    return total;
  }

  /** Source tags repeat (a handful per deployment): normalise each once. Bounded. */
  const HINT_CACHE = new Map<string, string>();

  function normalizeHint(hint: string | undefined): string {
    if (hint === undefined) return 'und';
    let lang = HINT_CACHE.get(hint);
    if (lang === undefined) {
      lang = normalizeLang(hint);
      if (HINT_CACHE.size >= 1000) HINT_CACHE.clear();
      HINT_CACHE.set(hint, lang);
    }
    return lang;
  }

  const acc = new Float64Array(LANGS.length);

  /**
   * `Number((best / sum).toFixed(3))`, memoised: marker weights are small integers, so posts share a
   * few hundred (best, sum) pairs, and toFixed was a tenth of language ID's time. Bounded.
   */
  const CONFIDENCE = new Map<number, number>();

  function confidenceOf(best: number, sum: number): number {
    if (!Number.isInteger(best) || !Number.isInteger(sum) || sum >= 0x100000 || best < 0) {
      return Number((best / sum).toFixed(3));
    }
    const key = best * 0x100000 + sum;
    let confidence = CONFIDENCE.get(key);
    if (confidence === undefined) {
      confidence = Number((best / sum).toFixed(3));
      if (CONFIDENCE.size >= 10_000) CONFIDENCE.clear();
      CONFIDENCE.set(key, confidence);
    }
    return confidence;
  }

  /**
   * Detects the language of a short post. `hint` is the source's tag (any form normalizeLang
   * accepts); it decides when the text is too short or ambiguous, and breaks near-ties. Confidence
   * is the winner's share of all marker weight (0 for 'und').
   */
  function detectLanguage(text: string, hint?: string): { lang: string; confidence: number } {
    acc.fill(0);
    let total = voteByScan(text, acc);
    if (total < 0) {
      acc.fill(0);
      total = voteByRegex(text, acc);
    }
    return decide(total, hint);
  }

  /**
   * detectLanguage's answer from a marker vote taken elsewhere: `vote` holds the marker weights per
   * language in LANGS order, as voteByScan adds them up (small integers, so exact in any order). The tokenizer takes the
   * vote in its own scan (normalize.ts `markerVote`), so the router needs no second pass over a post.
   */
  function languageFromVote(
    vote: ArrayLike<number>,
    hint?: string,
  ): { lang: string; confidence: number } {
    let total = 0;
    for (let k = 0; k < LANGS.length; k++) {
      const v = vote[k] as number;
      acc[k] = v;
      total += v;
    }
    return decide(total, hint);
  }

  /** The last hint and what it normalises to (a batch usually carries one tag); undefined is "und". */
  let lastHint: string | undefined;
  let lastHinted = 'und';
  let lastHintIndex = -1;

  /** The decision from the vote in `acc`. */
  function decide(total: number, hint: string | undefined): { lang: string; confidence: number } {
    if (hint !== lastHint) {
      lastHinted = normalizeHint(hint);
      lastHintIndex = LANGS.indexOf(lastHinted);
      lastHint = hint;
    }
    const hinted = lastHinted;
    // A source tag is worth a few marker words: it settles 'id' vs 'ms' on shared vocabulary.
    const hintIndex = lastHintIndex;
    if (hintIndex >= 0) acc[hintIndex] = (acc[hintIndex] as number) + 2;

    let best = 'und';
    let bestScore = 0;
    let sum = 0;
    for (let k = 0; k < LANGS.length; k++) {
      const score = acc[k] as number;
      sum += score;
      if (score > bestScore) {
        best = LANGS[k] as string;
        bestScore = score;
      }
    }
    if (total + (hintIndex >= 0 ? 2 : 0) < MIN_EVIDENCE || bestScore === 0) {
      // Too little text to tell: trust the source's tag, if any, over a guess.
      return hinted !== 'und' ? { lang: hinted, confidence: 0.5 } : { lang: 'und', confidence: 0 };
    }
    return { lang: best, confidence: confidenceOf(bestScore, sum) };
  }

  /** Number of languages in a marker vote (the length of `markerVoteOf`'s and `voteRange`'s `acc`). */
  const VOTE_LANGS = LANGS.length;

  /**
   * Marker weights of one word as the tokenizer caches it (lower-cased, hyphens and apostrophes
   * kept): the weights voteByScan adds for the [a-zé]+ runs inside it, added to `acc`. Returns
   * their total, or -1 when the word has a character only the reference handles.
   */
  function markerVoteOf(key: string, acc: Float64Array | Int32Array): number {
    return voteByScan(key, acc);
  }

  return {
    BUILTIN_LANGS,
    detectLanguage,
    languageFromVote,
    markerVoteOf,
    normalizeLang,
    VOTE_LANGS,
    voteRange,
  };
}

const languageId = createLanguageId();
/** Languages the built-in model handles: Indonesian and its close neighbours. */
const BUILTIN_LANGS: ReadonlySet<string> = languageId.BUILTIN_LANGS;
const detectLanguage = languageId.detectLanguage;
const languageFromVote = languageId.languageFromVote;
const markerVoteOf = languageId.markerVoteOf;
const normalizeLang = languageId.normalizeLang;
/** Number of languages in a marker vote (the length of `markerVoteOf`'s and `voteRange`'s `acc`). */
const VOTE_LANGS: number = languageId.VOTE_LANGS;
const voteRange = languageId.voteRange;

export {
  BUILTIN_LANGS,
  detectLanguage,
  languageFromVote,
  markerVoteOf,
  normalizeLang,
  VOTE_LANGS,
  voteRange,
};
