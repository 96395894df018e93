/**
 * Parser of Pantau's issue query language (reference: docs/collectors.md).
 *
 *   query    := or
 *   or       := and ( ('OR' | '|') and )*
 *   and      := unary ( ['AND'] unary )*          juxtaposition means AND
 *   unary    := ('NOT' | '-') unary | primary
 *   primary  := '(' or ')' | "phrase" | #hashtag | @account | lang:xx | source:name
 *             | ~word | word* | word
 *
 * Operators are upper case only, like Google and X: "or" and "and" in lower case are words.
 * Every syntax error is a ValidationError whose details say where (0-based offset) and what
 * was expected there.
 */
import { ValidationError } from '../domain/errors.ts';
import { SOURCE_NAMES, type SourceName } from '../domain/types.ts';
import { isAtom, type QueryNode } from './ast.ts';
import { normalizeHandle, normalizeText, tokenize } from './text.ts';

const MAX_QUERY_LENGTH = 2000;
const MAX_DEPTH = 32;

type TokKind = 'lparen' | 'rparen' | 'or' | 'and' | 'not' | 'minus' | 'phrase' | 'word' | 'eof';

interface Tok {
  kind: TokKind;
  text: string;
  pos: number;
}

interface QueryErrorDetails {
  position: number;
  expected: string;
  found: string;
  query: string;
}

function fail(query: string, position: number, expected: string, found: string): never {
  const details: QueryErrorDetails = { position, expected, found, query };
  const pointer = `${query}\n${' '.repeat(position)}^`;
  throw new ValidationError(
    `Invalid query at position ${position}: expected ${expected}, found ${found}\n${pointer}`,
    details,
  );
}

function describe(tok: Tok): string {
  if (tok.kind === 'eof') return 'end of query';
  return `'${tok.text}'`;
}

function lex(query: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = query.length;
  const isSpace = (c: string) => /\s/u.test(c);
  const isDelim = (c: string) => isSpace(c) || c === '(' || c === ')' || c === '"';
  while (i < n) {
    const c = query[i] as string;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(') {
      toks.push({ kind: 'lparen', text: c, pos: i++ });
      continue;
    }
    if (c === ')') {
      toks.push({ kind: 'rparen', text: c, pos: i++ });
      continue;
    }
    if (c === '|') {
      toks.push({ kind: 'or', text: c, pos: i++ });
      continue;
    }
    if (c === '"' || c === '\u201c' || c === '\u201d') {
      // Curly quotes arrive from phones and word processors; treat them like straight ones.
      const start = i;
      i++;
      let body = '';
      while (i < n && !['"', '\u201c', '\u201d'].includes(query[i] as string)) body += query[i++];
      if (i >= n) fail(query, n, `a closing '"' for the phrase opened at ${start}`, 'end of query');
      i++;
      toks.push({ kind: 'phrase', text: body, pos: start });
      continue;
    }
    if (c === '-' && i + 1 < n && !isDelim(query[i + 1] as string)) {
      toks.push({ kind: 'minus', text: c, pos: i++ });
      continue;
    }
    if (c === '-' && i + 1 < n && query[i + 1] === '(') {
      toks.push({ kind: 'minus', text: c, pos: i++ });
      continue;
    }
    if (c === '-' && i + 1 < n && query[i + 1] === '"') {
      toks.push({ kind: 'minus', text: c, pos: i++ });
      continue;
    }
    const start = i;
    while (i < n && !isDelim(query[i] as string) && query[i] !== '|') i++;
    const text = query.slice(start, i);
    const kind: TokKind =
      text === 'OR' ? 'or' : text === 'AND' ? 'and' : text === 'NOT' ? 'not' : 'word';
    toks.push({ kind, text, pos: start });
  }
  toks.push({ kind: 'eof', text: '', pos: n });
  return toks;
}

const PRIMARY_EXPECTED = 'a word, "phrase", #hashtag, @account, filter or \'(\'';

class Parser {
  private readonly toks: Tok[];
  private readonly query: string;
  private i = 0;
  private depth = 0;

  constructor(query: string) {
    this.query = query;
    this.toks = lex(query);
  }

  private peek(): Tok {
    return this.toks[this.i] as Tok;
  }

  private next(): Tok {
    return this.toks[this.i++] as Tok;
  }

  parse(): QueryNode {
    if (this.peek().kind === 'eof') fail(this.query, 0, PRIMARY_EXPECTED, 'an empty query');
    const node = this.parseOr();
    const tok = this.peek();
    if (tok.kind !== 'eof') {
      const expected =
        tok.kind === 'rparen' ? "end of query (this ')' has no '(')" : 'end of query';
      fail(this.query, tok.pos, expected, describe(tok));
    }
    return node;
  }

  private parseOr(): QueryNode {
    const children = [this.parseAnd()];
    while (this.peek().kind === 'or') {
      this.next();
      children.push(this.parseAnd());
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: 'or', children };
  }

  private parseAnd(): QueryNode {
    const children = [this.parseUnary()];
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'and') {
        this.next();
        children.push(this.parseUnary());
      } else if (tok.kind === 'eof' || tok.kind === 'rparen' || tok.kind === 'or') {
        break;
      } else {
        children.push(this.parseUnary());
      }
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: 'and', children };
  }

  private parseUnary(): QueryNode {
    const tok = this.peek();
    if (tok.kind === 'not' || tok.kind === 'minus') {
      this.next();
      this.enter(tok);
      const child = this.parseUnary();
      this.depth--;
      // Double negation folds away so the tree the compilers see stays simple.
      return child.type === 'not' ? child.child : { type: 'not', child };
    }
    return this.parsePrimary();
  }

  private enter(tok: Tok): void {
    if (++this.depth > MAX_DEPTH) {
      fail(this.query, tok.pos, `at most ${MAX_DEPTH} levels of nesting`, 'deeper nesting');
    }
  }

  private parsePrimary(): QueryNode {
    const tok = this.next();
    switch (tok.kind) {
      case 'lparen': {
        this.enter(tok);
        if (this.peek().kind === 'rparen')
          fail(this.query, this.peek().pos, PRIMARY_EXPECTED, "')'");
        const inner = this.parseOr();
        const close = this.next();
        if (close.kind !== 'rparen') {
          fail(
            this.query,
            close.pos,
            `')' to close the '(' at position ${tok.pos}`,
            describe(close),
          );
        }
        this.depth--;
        return inner;
      }
      case 'phrase': {
        const tokens = tokenize(tok.text);
        if (tokens.length === 0) {
          fail(this.query, tok.pos, 'a phrase with at least one word', `'"${tok.text}"'`);
        }
        if (tokens.length === 1) {
          return { type: 'term', value: tokens[0] as string, mode: 'exact', position: tok.pos };
        }
        return { type: 'phrase', tokens, raw: tok.text.trim(), position: tok.pos };
      }
      case 'word':
        return this.word(tok);
      default:
        return fail(this.query, tok.pos, PRIMARY_EXPECTED, describe(tok));
    }
  }

  private word(tok: Tok): QueryNode {
    const text = tok.text;
    const pos = tok.pos;
    if (text.startsWith('#')) {
      const body = text.slice(1);
      if (!/^[\p{L}\p{N}_]+$/u.test(body)) {
        fail(this.query, pos + 1, 'letters, digits or _ after #', body ? `'${body}'` : 'nothing');
      }
      return { type: 'hashtag', value: normalizeText(body), raw: body, position: pos };
    }
    if (text.startsWith('@')) {
      const body = text.slice(1);
      if (!/^[\p{L}\p{N}_][\p{L}\p{N}_.]*$/u.test(body)) {
        fail(this.query, pos + 1, 'an account handle after @', body ? `'${body}'` : 'nothing');
      }
      return { type: 'mention', value: normalizeHandle(body), raw: body, position: pos };
    }
    const filter = /^([a-z]+):(.*)$/u.exec(text);
    if (filter && (filter[1] === 'lang' || filter[1] === 'source')) {
      const value = (filter[2] ?? '').toLowerCase();
      const valuePos = pos + (filter[1] as string).length + 1;
      if (filter[1] === 'lang') {
        if (!/^[a-z]{2,3}$/.test(value)) {
          fail(this.query, valuePos, 'a 2- or 3-letter language code (e.g. lang:id)', `'${value}'`);
        }
        return {
          type: 'filter',
          field: 'lang',
          value: value === 'in' ? 'id' : value,
          position: pos,
        };
      }
      if (!(SOURCE_NAMES as readonly string[]).includes(value)) {
        fail(this.query, valuePos, `a source (${SOURCE_NAMES.join(', ')})`, `'${value}'`);
      }
      return { type: 'filter', field: 'source', value: value as SourceName, position: pos };
    }
    let mode: 'exact' | 'stem' | 'prefix' = 'exact';
    let body = text;
    if (body.startsWith('~')) {
      mode = 'stem';
      body = body.slice(1);
    } else if (body.endsWith('*')) {
      mode = 'prefix';
      body = body.slice(0, -1);
    }
    const tokens = tokenize(body);
    if (tokens.length === 0) fail(this.query, pos, PRIMARY_EXPECTED, `'${text}'`);
    if (tokens.length > 1) {
      if (mode !== 'exact') {
        fail(
          this.query,
          pos,
          `one plain word after ${mode === 'stem' ? '~' : 'before *'}`,
          `'${text}'`,
        );
      }
      // "covid-19" or "ojk.go" read as the words they are made of, next to each other.
      return { type: 'phrase', tokens, raw: body, position: pos };
    }
    const value = tokens[0] as string;
    if (mode === 'prefix' && value.length < 3) {
      fail(this.query, pos, 'at least 3 letters before *', `'${text}'`);
    }
    return { type: 'term', value, mode, position: pos };
  }
}

/** True when the node can match something on its own (not only exclusions and filters). */
function hasPositiveAtom(node: QueryNode, negated = false): boolean {
  if (isAtom(node)) return !negated;
  switch (node.type) {
    case 'filter':
      return false;
    case 'not':
      return hasPositiveAtom(node.child, !negated);
    case 'and':
      return node.children.some((c) => hasPositiveAtom(c, negated));
    case 'or':
      return node.children.every((c) => hasPositiveAtom(c, negated));
  }
}

function parseQuery(query: string): QueryNode {
  if (typeof query !== 'string') fail(String(query), 0, 'a query string', typeof query);
  if (query.length > MAX_QUERY_LENGTH) {
    fail(query.slice(0, 60), 0, `at most ${MAX_QUERY_LENGTH} characters`, `${query.length}`);
  }
  const node = new Parser(query).parse();
  // A query of only exclusions or filters would match almost everything a source returns.
  if (!hasPositiveAtom(node)) {
    fail(query, 0, 'at least one word, phrase, #hashtag or @account that is not excluded', 'none');
  }
  return node;
}

export type { QueryErrorDetails };
export { MAX_QUERY_LENGTH, parseQuery };
