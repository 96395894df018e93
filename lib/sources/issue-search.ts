/**
 * What every search-API adapter (X, YouTube, Bluesky, Mastodon) does the same way: one scope per
 * active issue that lists the source, and the issue's query compiled to the source's native
 * syntax, where an invalid query is that issue's failure, not the whole source's.
 */
import { SourceError, ValidationError } from '../domain/errors.ts';
import type { CollectScope } from '../domain/ports.ts';
import type { Issue, SourceName } from '../domain/types.ts';
import { compileForSource, parseQuery } from '../query/index.ts';

function issueScopes(source: SourceName, issues: Issue[]): CollectScope[] {
  return issues
    .filter((i) => i.status === 'active' && i.sources.includes(source))
    .map((i) => ({ scope: `issue:${i.id}`, issues: [i] }));
}

function compileIssueQuery(source: SourceName, issue: Issue): string | undefined {
  try {
    return compileForSource(parseQuery(issue.query), source);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new SourceError(source, 'invalid_query', `Issue ${issue.id}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

export { compileIssueQuery, issueScopes };
