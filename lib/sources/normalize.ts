/**
 * Post normalisation shared by every source: HTML to text, entity unescaping, lenient dates,
 * canonical URLs. Sources send HTML in descriptions, dates in half a dozen shapes and links
 * decorated with tracking parameters; the rest of Pantau sees one shape.
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  laquo: '«',
  raquo: '»',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  middot: '·',
  bull: '•',
  times: '×',
  euro: '€',
  eacute: 'é',
  egrave: 'è',
  aacute: 'á',
  agrave: 'à',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  uuml: 'ü',
  ouml: 'ö',
  auml: 'ä',
  ccedil: 'ç',
  ntilde: 'ñ',
  shy: '',
  zwj: '\u200d',
  zwnj: '\u200c',
};

function codePointOrReplacement(n: number): string {
  // Surrogates and out-of-range values would throw; control characters add nothing to a post.
  if (!Number.isFinite(n) || n <= 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff))
    return '\ufffd';
  if (n < 0x20 && n !== 0x09 && n !== 0x0a && n !== 0x0d) return ' ';
  return String.fromCodePoint(n);
}

/** `&amp;`, `&#39;`, `&#x1F600;` and the common named entities; unknown names stay as written. */
function unescapeEntities(text: string): string {
  return text.replace(
    /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g,
    (m, body: string) => {
      if (body[0] === '#') {
        const hex = body[1] === 'x' || body[1] === 'X';
        return codePointOrReplacement(Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10));
      }
      return NAMED_ENTITIES[body] ?? NAMED_ENTITIES[body.toLowerCase()] ?? m;
    },
  );
}

const BLOCK_TAGS =
  /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|figure|figcaption|hr)\b[^>]*>/gi;

/**
 * Visible text of an HTML fragment: scripts, styles and comments dropped, block tags become line
 * breaks, other tags vanish, entities are decoded (twice-escaped feeds decode once more only when
 * the first pass leaves markup-looking text), whitespace collapsed.
 */
function stripHtml(html: string): string {
  let s = html
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style|noscript|iframe)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(BLOCK_TAGS, '\n')
    // Inline tags vanish without a space ("<b>naik</b>." stays "naik."). A tag starts with a
    // letter or '/': "harga < 10 ribu & > 5" is text, not markup.
    .replace(/<\/?[a-zA-Z][^>]*>/g, '');
  s = unescapeEntities(s);
  // Some feeds escape their HTML twice (&lt;p&gt;); after one unescape it is markup again.
  if (/<[a-zA-Z/][^>]*>/.test(s)) s = stripHtml(s);
  return collapseWhitespace(s);
}

function collapseWhitespace(s: string): string {
  return s
    .replace(/[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+/g, ' ')
    .replace(/ *\n[\s]*/g, '\n')
    .trim();
}

/** Cuts at a code-point boundary so an emoji is never split into a lone surrogate. */
function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const points = [...text];
  if (points.length <= maxChars) return text;
  return `${points.slice(0, maxChars - 1).join('')}…`;
}

// ---------------------------------------------------------------- dates

const MONTHS: Record<string, number> = {
  jan: 0,
  januari: 0,
  january: 0,
  feb: 1,
  februari: 1,
  february: 1,
  peb: 1,
  mar: 2,
  maret: 2,
  march: 2,
  apr: 3,
  april: 3,
  may: 4,
  mei: 4,
  jun: 5,
  juni: 5,
  june: 5,
  jul: 6,
  juli: 6,
  july: 6,
  aug: 7,
  agu: 7,
  agt: 7,
  agustus: 7,
  august: 7,
  sep: 8,
  sept: 8,
  september: 8,
  oct: 9,
  okt: 9,
  oktober: 9,
  october: 9,
  nov: 10,
  nop: 10,
  november: 10,
  dec: 11,
  des: 11,
  desember: 11,
  december: 11,
};

/** Zone abbreviations seen in feeds, in minutes east of UTC. WIB/WITA/WIT are Indonesia's zones. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  wib: 420,
  wita: 480,
  wit: 540,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

/**
 * Timezone-less dates from Indonesian portals are in Jakarta time (WIB, UTC+7): that is what the
 * portals publish in, and reading them as UTC would put news seven hours in the future.
 */
const DEFAULT_OFFSET_MINUTES = 420;

function parseOffset(zone: string | undefined): number | undefined {
  if (!zone) return undefined;
  const z = zone.trim().toLowerCase();
  if (z in ZONES) return ZONES[z];
  const m = /^(?:gmt|utc)?([+-])(\d{1,2}):?(\d{2})?$/.exec(z);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

function build(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  offsetMinutes: number,
): Date | undefined {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const t = Date.UTC(y, mo, d, h, mi, Math.min(s, 59), ms) - offsetMinutes * 60_000;
  const date = new Date(t);
  // Date.UTC rolls 31 February into March; a feed date that rolls over is wrong, not lenient.
  if (new Date(Date.UTC(y, mo, d)).getUTCDate() !== d) return undefined;
  return Number.isFinite(t) ? date : undefined;
}

/**
 * Lenient date parsing: RFC 822/1123 with numeric offsets or zone names (including WIB),
 * Indonesian month and day names, two-digit years, ISO 8601 with or without offset, and
 * `YYYY-MM-DD HH:mm[:ss]`. Returns ISO-8601 UTC with milliseconds, or undefined.
 */
function parseDate(input: string | undefined | null): string | undefined {
  if (!input) return undefined;
  const s = input.trim().replace(/\s+/g, ' ');
  if (s === '') return undefined;

  // ISO 8601 / "YYYY-MM-DD HH:mm:ss"
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)? ?(Z|[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?$/.exec(
      s,
    );
  if (iso) {
    const offset = iso[8] ? parseOffset(iso[8]) : DEFAULT_OFFSET_MINUTES;
    if (offset === undefined) return undefined;
    const ms = iso[7] ? Number(iso[7].slice(0, 3).padEnd(3, '0')) : 0;
    return build(
      Number(iso[1]),
      Number(iso[2]) - 1,
      Number(iso[3]),
      Number(iso[4] ?? 0),
      Number(iso[5] ?? 0),
      Number(iso[6] ?? 0),
      ms,
      offset,
    )?.toISOString();
  }

  // RFC 822 family: "[Day,] DD Mon YYYY HH:mm[:ss] [zone]"
  const rfc =
    /^(?:[A-Za-z]+,? )?(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{2,4}),? (\d{1,2})[:.](\d{2})(?:[:.](\d{2}))? ?([A-Za-z]{1,5}|[+-]\d{2}:?\d{2}|(?:GMT|UTC)[+-]\d{1,2}(?::?\d{2})?)?$/.exec(
      s,
    );
  if (rfc) {
    const month = MONTHS[(rfc[2] as string).toLowerCase()];
    if (month === undefined) return undefined;
    let year = Number(rfc[3]);
    if (year < 100) year += year < 70 ? 2000 : 1900;
    const offset = rfc[7] ? parseOffset(rfc[7]) : DEFAULT_OFFSET_MINUTES;
    if (offset === undefined) return undefined;
    return build(
      year,
      month,
      Number(rfc[1]),
      Number(rfc[4]),
      Number(rfc[5]),
      Number(rfc[6] ?? 0),
      0,
      offset,
    )?.toISOString();
  }
  // Epoch seconds or milliseconds (some JSON feeds).
  if (/^\d{10}(\d{3})?$/.test(s)) {
    const n = Number(s);
    return new Date(s.length === 10 ? n * 1000 : n).toISOString();
  }
  return undefined;
}

// ---------------------------------------------------------------- URLs

const TRACKING_PARAMS =
  /^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_[a-z]+|igshid|ref|ref_src|_ga|oc|spm|cmpid|xtor)$/i;

/**
 * A link in the form used for dedup: http(s) only (folded to https, so both schemes of one article
 * are one item), lower-case host without `www.` and default port, no fragment, no tracking parameters, remaining parameters sorted, no trailing slash.
 * Undefined for anything that is not an absolute http(s) URL.
 */
function canonicalUrl(raw: string | undefined | null, base?: string): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = base ? new URL(raw.trim(), base) : new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.protocol = 'https:';
  url.hash = '';
  url.username = '';
  url.password = '';
  url.hostname = url.hostname.toLowerCase().replace(/^www\./, '');
  url.port = '';
  const kept = [...url.searchParams.entries()]
    .filter(([k]) => !TRACKING_PARAMS.test(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = '';
  for (const [k, v] of kept) url.searchParams.append(k, v);
  if (url.pathname !== '/') url.pathname = url.pathname.replace(/\/+$/, '');
  return url.toString();
}

/** An absolute http(s) URL as given (for display and links), or undefined. */
function absoluteUrl(raw: string | undefined | null, base?: string): string | undefined {
  if (!raw) return undefined;
  try {
    const url = base ? new URL(raw.trim(), base) : new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

export {
  absoluteUrl,
  canonicalUrl,
  collapseWhitespace,
  DEFAULT_OFFSET_MINUTES,
  parseDate,
  stripHtml,
  truncate,
  unescapeEntities,
};
