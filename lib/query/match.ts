/**
 * Local matching: every post a source returns is checked against the parsed query, whatever the
 * source's own search did, so all sources obey the same semantics (docs/collectors.md).
 */
import type { Post } from '../domain/types.ts';
import type { QueryNode } from './ast.ts';
import { buildMatchDoc, cachedRoots, type MatchDoc } from './text.ts';

type MatchInput = Pick<Post, 'text' | 'title' | 'lang' | 'source' | 'author'>;
type Matcher = (post: MatchInput) => boolean;

// A post is normalised once however many issues' queries look at it.
const docs = new WeakMap<object, MatchDoc>();

function docOf(post: MatchInput): MatchDoc {
  let doc = docs.get(post);
  if (!doc) {
    doc = buildMatchDoc(post);
    docs.set(post, doc);
  }
  return doc;
}

function hasPhrase(doc: MatchDoc, tokens: string[]): boolean {
  const first = tokens[0] as string;
  if (!doc.tokenSet.has(first)) return false;
  const all = doc.tokens;
  outer: for (let i = 0; i + tokens.length <= all.length; i++) {
    if (all[i] !== first) continue;
    for (let j = 1; j < tokens.length; j++) if (all[i + j] !== tokens[j]) continue outer;
    return true;
  }
  return false;
}

function evaluate(node: QueryNode, doc: MatchDoc): boolean {
  switch (node.type) {
    case 'term':
      if (node.mode === 'exact') return doc.tokenSet.has(node.value);
      if (node.mode === 'stem') {
        // Every affixed form keeps the root minus its first letter (meN- may recode that letter:
        // menulis ← tulis), so a substring test skips stemming for nearly every word.
        const core = node.value.length > 3 ? node.value.slice(1) : node.value;
        for (const t of doc.tokenSet) {
          if (t.includes(core) && cachedRoots(t).has(node.value)) return true;
        }
        return false;
      }
      for (const t of doc.tokenSet) if (t.startsWith(node.value)) return true;
      return false;
    case 'phrase':
      return hasPhrase(doc, node.tokens);
    case 'hashtag':
      return doc.hashtags.has(node.value);
    case 'mention':
      return doc.accounts.has(node.value);
    case 'filter':
      return node.field === 'lang' ? doc.lang === node.value : doc.source === node.value;
    case 'and':
      return node.children.every((c) => evaluate(c, doc));
    case 'or':
      return node.children.some((c) => evaluate(c, doc));
    case 'not':
      return !evaluate(node.child, doc);
  }
}

function matcherFor(node: QueryNode): Matcher {
  return (post) => evaluate(node, docOf(post));
}

export type { Matcher, MatchInput };
export { matcherFor };
