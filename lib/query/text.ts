/**
 * Text normalisation shared by the query parser and the matcher, so a query word and a post word
 * go through exactly the same steps: NFKC (full-width and ligature forms fold to plain letters),
 * lower case, diacritics removed (é → e, so "kafe" matches "kafé"), then split on anything that
 * is not a letter or a digit.
 */

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"']+/giu;
const HASHTAG_RE = /(?:^|[^\p{L}\p{N}_&/])#([\p{L}\p{N}_]+)/gu;
const MENTION_RE = /(?:^|[^\p{L}\p{N}_.@/])@([\p{L}\p{N}_][\p{L}\p{N}_.]*)/gu;
const SPLIT_RE = /[^\p{L}\p{N}]+/u;

/** Lower case, NFKC, no combining marks. */
function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFKC');
}

function tokenize(text: string): string[] {
  return normalizeText(text)
    .split(SPLIT_RE)
    .filter((t) => t.length > 0);
}

/** A handle as sources write it: no '@', lower case, no trailing dot. */
function normalizeHandle(handle: string): string {
  return normalizeText(handle.trim().replace(/^@+/, '')).replace(/\.+$/, '');
}

/** Everything the matcher needs from a post, computed once per post. */
interface MatchDoc {
  /** Word tokens in order (URLs removed; hashtag and mention bodies included as words). */
  tokens: string[];
  tokenSet: Set<string>;
  hashtags: Set<string>;
  /** Accounts mentioned in the text plus the author's handle. */
  accounts: Set<string>;
  lang: string;
  source: string;
}

function buildMatchDoc(input: {
  text: string;
  title?: string;
  lang?: string;
  source: string;
  author?: { handle?: string };
}): MatchDoc {
  const full = input.title ? `${input.title}\n${input.text}` : input.text;
  // URLs go first: "detik.com/banjir" in a link is not a mention of banjir by the author.
  const noUrls = full.replace(URL_RE, ' ');
  const hashtags = new Set<string>();
  for (const m of noUrls.matchAll(HASHTAG_RE)) if (m[1]) hashtags.add(normalizeText(m[1]));
  const accounts = new Set<string>();
  for (const m of noUrls.matchAll(MENTION_RE)) if (m[1]) accounts.add(normalizeHandle(m[1]));
  if (input.author?.handle) accounts.add(normalizeHandle(input.author.handle));
  const tokens = tokenize(noUrls);
  return {
    tokens,
    tokenSet: new Set(tokens),
    hashtags,
    accounts,
    lang: normalizeLang(input.lang ?? 'und'),
    source: input.source,
  };
}

/** 'in' is the old ISO 639 code for Indonesian that X still sends; everything else keeps its primary subtag. */
function normalizeLang(lang: string): string {
  const primary = lang.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (primary === 'in') return 'id';
  return primary === '' ? 'und' : primary;
}

// ---------------------------------------------------------------- Indonesian affixes

const PARTICLES = ['lah', 'kah', 'tah', 'pun'];
const POSSESSIVES = ['nya', 'ku', 'mu'];
const SUFFIXES = ['kan', 'an', 'i'];
const MIN_ROOT = 3;

function stripSuffixes(word: string): string[] {
  const out = [word];
  let frontier = [word];
  for (const group of [PARTICLES, POSSESSIVES, SUFFIXES]) {
    const next: string[] = [];
    for (const w of frontier) {
      next.push(w);
      for (const s of group) {
        if (w.endsWith(s) && w.length - s.length >= MIN_ROOT) next.push(w.slice(0, -s.length));
      }
    }
    frontier = next;
    out.push(...next);
  }
  return out;
}

/**
 * Candidate roots of one prefix layer. meN-/peN- change the root's first letter (menulis ← tulis,
 * memukul ← pukul, menyapu ← sapu, mengirim ← kirim), so every plausible recoding is offered; a
 * query root matches when it is one of the candidates.
 */
function stripPrefix(word: string): string[] {
  const out: string[] = [];
  const push = (w: string) => {
    if (w.length >= MIN_ROOT) out.push(w);
  };
  for (const p of ['di', 'ke', 'se', 'ber', 'be', 'ter', 'per']) {
    if (word.startsWith(p)) push(word.slice(p.length));
  }
  for (const nasal of ['me', 'pe']) {
    if (!word.startsWith(nasal)) continue;
    const rest = word.slice(2);
    push(rest); // me-lihat, me-rasa, me-naik
    if (rest.startsWith('ng')) {
      push(rest.slice(2)); // meng-ambil
      push(`k${rest.slice(2)}`); // meng-irim ← kirim
    } else if (rest.startsWith('ny')) {
      push(`s${rest.slice(2)}`); // meny-apu ← sapu
    } else if (rest.startsWith('m')) {
      push(rest.slice(1)); // mem-beli
      push(`p${rest.slice(1)}`); // mem-ukul ← pukul
    } else if (rest.startsWith('n')) {
      push(rest.slice(1)); // men-dengar
      push(`t${rest.slice(1)}`); // men-ulis ← tulis
    }
  }
  return out;
}

/** The word itself plus every root an Indonesian affix strip could give (up to two prefixes). */
function rootCandidates(word: string): Set<string> {
  const out = new Set<string>([word]);
  for (const s of stripSuffixes(word)) {
    out.add(s);
    for (const p1 of stripPrefix(s)) {
      out.add(p1);
      for (const p2 of stripPrefix(p1)) out.add(p2);
    }
  }
  return out;
}

// Words repeat across posts far more than they vary; a bounded cache keeps stemming off the hot path.
const ROOT_CACHE_LIMIT = 50_000;
const rootCache = new Map<string, Set<string>>();

function cachedRoots(word: string): Set<string> {
  let roots = rootCache.get(word);
  if (!roots) {
    if (rootCache.size >= ROOT_CACHE_LIMIT) rootCache.clear();
    roots = rootCandidates(word);
    rootCache.set(word, roots);
  }
  return roots;
}

export type { MatchDoc };
export {
  buildMatchDoc,
  cachedRoots,
  normalizeHandle,
  normalizeLang,
  normalizeText,
  rootCandidates,
  tokenize,
};
