/**
 * Pantau's issue query language: parse once, match locally, compile per source.
 * Reference: docs/collectors.md.
 */
import { SOURCE_NAMES, type SourceName } from '../domain/types.ts';
import type { QueryNode } from './ast.ts';
import { compileForSource } from './compile.ts';
import { type Matcher, matcherFor } from './match.ts';
import { parseQuery } from './parser.ts';

function compileMatcher(q: string | QueryNode): Matcher {
  return matcherFor(typeof q === 'string' ? parseQuery(q) : q);
}

/**
 * Throws ValidationError (details: position, expected, found) when the query does not parse, or
 * when it does not fit a source's limits (X's 512 characters) for the given sources.
 */
function validateQuery(q: string, sources: readonly SourceName[] = SOURCE_NAMES): void {
  const node = parseQuery(q);
  for (const s of sources) compileForSource(node, s);
}

export type { AtomNode, FilterNode, QueryNode } from './ast.ts';
export type { Matcher, MatchInput } from './match.ts';
export type { QueryErrorDetails } from './parser.ts';
export { normalizeLang, normalizeText, rootCandidates } from './text.ts';
export { compileForSource, compileMatcher, parseQuery, validateQuery };
