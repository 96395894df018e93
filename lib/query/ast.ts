/**
 * The parsed form of an issue query. Parsed once (when an issue is saved or a collector starts),
 * then matched locally against every post and compiled to each source's native search syntax.
 */
import type { SourceName } from '../domain/types.ts';

/** A plain word. `stem` (written `~naik`) and `prefix` (written `naik*`) widen what it matches. */
export interface TermNode {
  type: 'term';
  /** Normalised (lower case, NFKC, no diacritics), one token. */
  value: string;
  mode: 'exact' | 'stem' | 'prefix';
  /** Offset of the term in the query, for messages. */
  position: number;
}

/** A sequence of normalised tokens that must appear next to each other, in order. */
export interface PhraseNode {
  type: 'phrase';
  tokens: string[];
  /** As written, for compiling to sources. */
  raw: string;
  position: number;
}

export interface HashtagNode {
  type: 'hashtag';
  /** Normalised, without '#'. */
  value: string;
  raw: string;
  position: number;
}

export interface MentionNode {
  type: 'mention';
  /** Normalised account handle, without '@'. */
  value: string;
  raw: string;
  position: number;
}

export type FilterNode =
  | { type: 'filter'; field: 'lang'; value: string; position: number }
  | { type: 'filter'; field: 'source'; value: SourceName; position: number };

export interface AndNode {
  type: 'and';
  children: QueryNode[];
}

export interface OrNode {
  type: 'or';
  children: QueryNode[];
}

export interface NotNode {
  type: 'not';
  child: QueryNode;
}

export type AtomNode = TermNode | PhraseNode | HashtagNode | MentionNode;

export type QueryNode = AtomNode | FilterNode | AndNode | OrNode | NotNode;

export function isAtom(node: QueryNode): node is AtomNode {
  return (
    node.type === 'term' ||
    node.type === 'phrase' ||
    node.type === 'hashtag' ||
    node.type === 'mention'
  );
}
