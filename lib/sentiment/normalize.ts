/**
 * Normalisation and tokenisation of informal Indonesian posts for the built-in model.
 *
 * The same function runs in training and in the Lambda, so what the model learned from is exactly
 * what it sees at scoring time. Placeholders are written `_name_` so they can never collide with a
 * real word after lower-casing.
 */
import {
  CLAUSE_BREAKERS,
  EMOTICONS,
  INTENSIFIERS,
  LAUGH_EMOJI,
  NEGATIVE_EMOJI,
  NEGATORS,
  POSITIVE_EMOJI,
  SLANG,
} from './lexicon.ts';

/** Prefix marking a word inside a negation scope: "tidak bagus" → `tidak ¬bagus`. */
const NEG_PREFIX = '¬';

const URL_RE =
  /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(?:com|id|co\.id|go\.id|net|org|ly)\/\S*/gi;
const MENTION_RE = /(^|[^\w@])@\w+/g;
const HASHTAG_RE = /#(\w+)/g;
const HTML_ENTITY_RE = /&(?:amp|lt|gt|quot|#39);/g;
const NON_ASCII_RE = /[^\u0020-\u007e\t\n\r]/;
const PICTO_RE = /\p{Extended_Pictographic}/gu;
const REDUP_RE = /\b([a-z]{2,})2([a-z]*)\b/g;
const ELONGATION_RE = /([a-z])\1{2,}/g;
const TOKEN_RE =
  /_[a-z]+_|[0-9]+(?:[.,][0-9]+)+|[a-z0-9]+(?:['-][a-z0-9]+)*|[!?]|[.,;:]|\p{Extended_Pictographic}/gu;
const LAUGH_RE = /^(?:w*k+w+k*[wk]*|(?:h+[aeiou]+){2,}h?|(?:[aeiou]?h+){3,})$/;
/** Only words take the negation mark: placeholders and emoji keep their own polarity. */
const WORD_START_RE = /^[a-z]/;
const DIGITS_RE = /^[0-9][0-9.,]*$/;

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function splitHashtag(_m: string, tag: string): string {
  // #HargaBerasNaik → harga beras naik: the words inside a hashtag carry the sentiment.
  const words = tag
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .replace(/_/g, ' ');
  return ` _hashtag_ ${words} `;
}

function emojiToken(ch: string): string {
  if (LAUGH_EMOJI.includes(ch)) return ` ${ch} _emolaugh_ `;
  if (POSITIVE_EMOJI.includes(ch)) return ` ${ch} _emopos_ `;
  if (NEGATIVE_EMOJI.includes(ch)) return ` ${ch} _emoneg_ `;
  return ` ${ch} `;
}

/** Pre-token clean-up: URLs, mentions, hashtags, emoji, emoticons, case, elongation. */
function cleanText(raw: string): string {
  let s = raw;
  if (NON_ASCII_RE.test(s)) {
    // NFKC folds "𝐛𝐚𝐠𝐮𝐬" and full-width letters into plain ones; emoji survive it.
    s = s.normalize('NFKC').replace(PICTO_RE, emojiToken);
  }
  s = s.replace(HTML_ENTITY_RE, (e) => HTML_ENTITIES[e] ?? e);
  s = s.replace(URL_RE, ' _url_ ');
  s = s.replace(MENTION_RE, '$1 _user_ ');
  s = s.replace(HASHTAG_RE, splitHashtag);
  for (const [re, token] of EMOTICONS) s = s.replace(re, token);
  s = s.toLowerCase();
  s = s.replace(REDUP_RE, '$1-$1$2');
  s = s.replace(ELONGATION_RE, '$1 _elong_ ');
  return s;
}

function normalizeWord(word: string): string {
  if (DIGITS_RE.test(word)) return '_num_';
  const mapped = SLANG[word];
  if (mapped !== undefined) return mapped;
  if (word.length >= 4 && LAUGH_RE.test(word)) return '_laugh_';
  return word;
}

function isBreak(token: string): boolean {
  return (
    token === '.' ||
    token === ',' ||
    token === ';' ||
    token === ':' ||
    token === '!' ||
    token === '?'
  );
}

/**
 * Tokens of a post: normalised words, placeholders, emoji, `!`/`?`, with negation marked on the
 * first content word after a negator (intensifiers in between are skipped, a clause break ends it).
 */
function tokenize(raw: string): string[] {
  const cleaned = cleanText(raw);
  const out: string[] = [];
  let negate = false;
  for (const m of cleaned.matchAll(TOKEN_RE)) {
    const w = normalizeWord(m[0]);
    // A slang entry may expand to two words ("makasih" → "terima kasih").
    const parts = w.includes(' ') ? w.split(' ') : [w];
    for (const t of parts) {
      if (isBreak(t)) {
        negate = false;
        if (t === '!' || t === '?') out.push(t);
        continue;
      }
      if (CLAUSE_BREAKERS.has(t)) {
        negate = false;
        out.push(t);
        continue;
      }
      if (NEGATORS.has(t)) {
        negate = true;
        out.push(t);
        continue;
      }
      if (negate && !INTENSIFIERS.has(t) && WORD_START_RE.test(t)) {
        out.push(NEG_PREFIX + t);
        negate = false;
        continue;
      }
      out.push(t);
    }
  }
  return out;
}

export { cleanText, NEG_PREFIX, normalizeWord, tokenize };
