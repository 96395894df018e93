/**
 * Compiles a parsed query to a source's native search syntax. The native query only has to be a
 * SUPERSET of what the local matcher accepts (every post still goes through the matcher), so
 * whatever a source cannot express is relaxed: in a positive position it becomes "anything", under
 * a negation it becomes "nothing", which widens the search and never narrows it. Known gaps of
 * this rule (stemmed and prefix words, Mastodon's tag-only timelines) are in docs/collectors.md.
 */
import { ValidationError } from '../domain/errors.ts';
import type { SourceName } from '../domain/types.ts';
import type { QueryNode } from './ast.ts';

/** X's recent search rejects longer queries (research §1). */
const X_MAX_QUERY = 512;

type Rel =
  | { k: 'const'; v: boolean }
  | { k: 'atom'; s: string }
  | { k: 'and'; parts: Rel[] }
  | { k: 'or'; parts: Rel[] }
  | { k: 'neg'; part: Rel };

const TRUE: Rel = { k: 'const', v: true };
const FALSE: Rel = { k: 'const', v: false };

interface Dialect {
  /** Whether the source groups with parentheses (and negates groups). */
  groups: boolean;
  orWord: string;
  /** Renders an atom; undefined when the source cannot express it. */
  atom(node: QueryNode): string | undefined;
}

/** Common Indonesian derived forms of a root, searched natively for `~root`. */
function derivedForms(root: string): string[] {
  return [root, `ke${root}an`, `${root}an`, `di${root}kan`, `${root}kan`, `${root}nya`];
}

function quote(s: string): string {
  return `"${s.replace(/"/g, '')}"`;
}

function specialise(node: QueryNode, source: SourceName): QueryNode | boolean {
  switch (node.type) {
    case 'filter':
      return node.field === 'source' ? node.value === source : node;
    case 'not': {
      const c = specialise(node.child, source);
      return typeof c === 'boolean' ? !c : { type: 'not', child: c };
    }
    case 'and': {
      const parts: QueryNode[] = [];
      for (const child of node.children) {
        const c = specialise(child, source);
        if (c === false) return false;
        if (c !== true) parts.push(c);
      }
      if (parts.length === 0) return true;
      return parts.length === 1 ? (parts[0] as QueryNode) : { type: 'and', children: parts };
    }
    case 'or': {
      const parts: QueryNode[] = [];
      for (const child of node.children) {
        const c = specialise(child, source);
        if (c === true) return true;
        if (c !== false) parts.push(c);
      }
      if (parts.length === 0) return false;
      return parts.length === 1 ? (parts[0] as QueryNode) : { type: 'or', children: parts };
    }
    default:
      return node;
  }
}

function fold(kind: 'and' | 'or', parts: Rel[]): Rel {
  const identity = kind === 'and';
  const out: Rel[] = [];
  for (const p of parts) {
    if (p.k === 'const') {
      if (p.v !== identity) return p;
      continue;
    }
    if (p.k === kind) out.push(...p.parts);
    else out.push(p);
  }
  if (out.length === 0) return identity ? TRUE : FALSE;
  return out.length === 1 ? (out[0] as Rel) : { k: kind, parts: out };
}

/** `positive` is the polarity: false under an odd number of negations. */
function relax(node: QueryNode, d: Dialect, positive: boolean): Rel {
  switch (node.type) {
    case 'and':
      return fold(
        'and',
        node.children.map((c) => relax(c, d, positive)),
      );
    case 'or':
      return fold(
        'or',
        node.children.map((c) => relax(c, d, positive)),
      );
    case 'not': {
      const c = relax(node.child, d, !positive);
      if (c.k === 'const') return { k: 'const', v: !c.v };
      if (c.k !== 'atom' && !d.groups) return positive ? TRUE : FALSE;
      return { k: 'neg', part: c };
    }
    default: {
      const s = d.atom(node);
      if (s === undefined) return positive ? TRUE : FALSE;
      return { k: 'atom', s };
    }
  }
}

/** For sources without parentheses: an AND of clauses, each an atom, a negated atom or an OR of atoms. */
function flatten(rel: Rel): Rel {
  const firstAtom = (r: Rel): Rel | undefined => {
    if (r.k === 'atom') return r;
    if (r.k === 'and') {
      for (const p of r.parts) {
        const a = firstAtom(p);
        if (a) return a;
      }
    }
    return undefined;
  };
  const clause = (r: Rel): Rel => {
    if (r.k !== 'or') return r;
    // a∧b ⊆ a: an AND inside an OR is replaced by one of its positive atoms.
    const parts: Rel[] = [];
    for (const p of r.parts) {
      const a = p.k === 'atom' ? p : firstAtom(p);
      if (!a) return TRUE;
      parts.push(a);
    }
    return fold('or', parts);
  };
  if (rel.k === 'and') return fold('and', rel.parts.map(clause));
  return clause(rel);
}

function print(rel: Rel, d: Dialect, nested: boolean): string {
  switch (rel.k) {
    case 'atom':
      return rel.s;
    case 'neg':
      return `-${print(rel.part, d, true)}`;
    case 'and': {
      const s = rel.parts.map((p) => print(p, d, true)).join(' ');
      return nested && d.groups ? `(${s})` : s;
    }
    case 'or': {
      const s = rel.parts.map((p) => print(p, d, true)).join(d.orWord);
      return nested && d.groups ? `(${s})` : s;
    }
    case 'const':
      return '';
  }
}

function textAtom(node: QueryNode, orWord: string, groups: boolean): string | undefined {
  switch (node.type) {
    case 'term': {
      if (node.mode === 'stem') {
        const forms = derivedForms(node.value).join(orWord);
        return groups ? `(${forms})` : forms;
      }
      // No source has wildcards; the bare stem finds the word itself, the local matcher the rest.
      return node.value;
    }
    case 'phrase':
      return quote(node.tokens.join(' '));
    case 'hashtag':
      return `#${node.raw}`;
    case 'mention':
      return `@${node.raw}`;
    default:
      return undefined;
  }
}

const X_DIALECT: Dialect = {
  groups: true,
  orWord: ' OR ',
  atom(node) {
    if (node.type === 'filter' && node.field === 'lang') {
      return `lang:${node.value === 'id' ? 'in' : node.value}`;
    }
    // Local semantics of @account: posts by it or mentioning it.
    if (node.type === 'mention') return `(@${node.raw} OR from:${node.raw})`;
    return textAtom(node, ' OR ', true);
  },
};

const GOOGLE_DIALECT: Dialect = {
  groups: true,
  orWord: ' OR ',
  atom(node) {
    // Google ignores '#' and '@'; the bare word is the closest superset.
    if (node.type === 'hashtag' || node.type === 'mention') return node.raw;
    return textAtom(node, ' OR ', true);
  },
};

const BLUESKY_DIALECT: Dialect = {
  groups: true,
  orWord: ' OR ',
  atom(node) {
    if (node.type === 'mention') return `mentions:${node.raw}`;
    return textAtom(node, ' OR ', true);
  },
};

const YOUTUBE_DIALECT: Dialect = {
  groups: false,
  orWord: '|',
  atom(node) {
    if (node.type === 'hashtag' || node.type === 'mention') return node.raw;
    return textAtom(node, '|', false);
  },
};

/** Mastodon searches by tag timelines: the tags of one clause that every match must satisfy. */
function mastodonTags(node: QueryNode): string | undefined {
  const tagOf = (n: QueryNode): string | undefined => {
    if (n.type === 'hashtag') return n.raw.toLowerCase();
    if (n.type === 'term' && n.mode === 'exact') return n.value;
    if (n.type === 'phrase') return n.tokens.join('');
    return undefined;
  };
  const clauseTags = (n: QueryNode): { tags: string[]; hashtagsOnly: boolean } | undefined => {
    const atoms = n.type === 'or' ? n.children : [n];
    const tags: string[] = [];
    for (const a of atoms) {
      const t = tagOf(a);
      if (!t) return undefined;
      tags.push(t);
    }
    return { tags, hashtagsOnly: atoms.every((a) => a.type === 'hashtag') };
  };
  const clauses = (node.type === 'and' ? node.children : [node])
    .map(clauseTags)
    .filter((c) => c !== undefined);
  const best = clauses.find((c) => c.hashtagsOnly) ?? clauses[0];
  return best ? [...new Set(best.tags)].join(' ') : undefined;
}

/**
 * The native search string for a source, or undefined when the source has no search (RSS, demo)
 * or the query can never match that source's posts (e.g. `source:x` compiled for YouTube).
 * Mastodon gets space-separated tag names for the tag timeline (`any[]`).
 * Throws ValidationError when X's 512-character limit is exceeded.
 */
function compileForSource(node: QueryNode, source: SourceName): string | undefined {
  const specialised = specialise(node, source);
  if (typeof specialised === 'boolean') return undefined;
  let dialect: Dialect;
  switch (source) {
    case 'x':
      dialect = X_DIALECT;
      break;
    case 'google-news':
      dialect = GOOGLE_DIALECT;
      break;
    case 'bluesky':
      dialect = BLUESKY_DIALECT;
      break;
    case 'youtube':
      dialect = YOUTUBE_DIALECT;
      break;
    case 'mastodon':
      return mastodonTags(specialised);
    default:
      return undefined;
  }
  let rel = relax(specialised, dialect, true);
  if (!dialect.groups) rel = flatten(rel);
  if (rel.k === 'const') return undefined;
  const out = print(rel, dialect, false);
  if (source === 'x' && [...out].length > X_MAX_QUERY) {
    throw new ValidationError(
      `Query compiles to ${[...out].length} characters for X, above its ${X_MAX_QUERY}-character limit`,
      {
        position: 0,
        expected: `a query that compiles to at most ${X_MAX_QUERY} characters for X`,
        found: `${[...out].length} characters`,
      },
    );
  }
  return out;
}

export { compileForSource, derivedForms, X_MAX_QUERY };
