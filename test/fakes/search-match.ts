/**
 * A server-side search as loose as the real ones, for fakes that should return only what a
 * query would find (X recent search, YouTube search.list, Bluesky searchPosts): a text matches when
 * it contains any positive term or "phrase" of the query, case-insensitive, '#' ignored. Exclusions
 * (`-word`) and operators (`lang:in`, `-is:retweet`) are left to the collector's own matching,
 * which runs on every post anyway.
 */
function positiveTerms(query: string): string[] {
  const terms: string[] = [];
  for (const m of query.matchAll(/-?"([^"]+)"|(\S+)/g)) {
    const [whole, phrase, word] = m;
    if (whole.startsWith('-')) continue;
    const t = (phrase ?? word ?? '').toLowerCase();
    for (const part of phrase ? [t] : t.split('|')) {
      const clean = part.replace(/^[#(]+|[)]+$/g, '').replace(/^"|"$/g, '');
      if (clean === '' || clean === 'or' || clean === 'and' || clean.includes(':')) continue;
      terms.push(clean);
    }
  }
  return terms;
}

/** `matches(query, text)`: true when the search engine would return the text for the query. */
export function looseSearch(query: string, text: string): boolean {
  const hay = text.toLowerCase().replace(/#/g, '');
  return positiveTerms(query).some((t) => hay.includes(t));
}
