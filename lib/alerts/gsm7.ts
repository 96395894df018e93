/**
 * GSM 03.38: the 7-bit default alphabet every handset decodes. A message outside it is sent as
 * UCS-2, which cuts one segment from 160 to 70 characters, so Pantau's SMS stay inside it.
 */

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Characters of the extension table: sent as ESC + char, so each counts 2 septets. */
const EXTENSION = '^{}\\[~]|€\f';

const BASIC_SET = new Set(BASIC);
const EXTENSION_SET = new Set(EXTENSION);

/** Septets in one single-part GSM-7 SMS. */
const SMS_SEGMENT = 160;

function isGsm7(text: string): boolean {
  for (const ch of text) {
    if (!BASIC_SET.has(ch) && !EXTENSION_SET.has(ch)) return false;
  }
  return true;
}

/** Length in septets; undefined when the text is not GSM-7 at all. */
function gsm7Length(text: string): number | undefined {
  let n = 0;
  for (const ch of text) {
    if (BASIC_SET.has(ch)) n += 1;
    else if (EXTENSION_SET.has(ch)) n += 2;
    else return undefined;
  }
  return n;
}

const REPLACEMENTS: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '`': "'",
  '\u00b4': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2012': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\t': ' ',
  '\u00d7': 'x',
  '\u2022': '-',
  '\u00b7': '-',
  '\u00b0': 'o',
  '\u00c6': 'Æ',
  '\u0131': 'i',
  '\u00f8': 'ø',
  '\u00df': 'ß',
};

/**
 * Turns any text into basic-set GSM-7: keeps what is in it, folds accents away (ê → e), maps
 * typographic punctuation to ASCII and drops what has no equivalent (emoji, other scripts).
 * Extension characters are replaced too, so one character is always one septet.
 */
function toGsm7(text: string): string {
  let out = '';
  for (const ch of text) {
    if (BASIC_SET.has(ch) && ch !== '\n' && ch !== '\r') {
      out += ch;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      out += ' ';
      continue;
    }
    const mapped = REPLACEMENTS[ch];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    if (EXTENSION_SET.has(ch)) {
      out +=
        ch === '€' ? 'EUR' : ch === '[' || ch === '{' ? '(' : ch === ']' || ch === '}' ? ')' : '-';
      continue;
    }
    const folded = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    if (
      folded.length > 0 &&
      [...folded].every((c) => BASIC_SET.has(c) && c !== '\n' && c !== '\r')
    ) {
      out += folded;
    }
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

export { gsm7Length, isGsm7, SMS_SEGMENT, toGsm7 };
