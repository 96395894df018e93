/**
 * The review queue's sample order computed independently of lib/api/routes/review.ts, from the
 * contract: HMAC-SHA256 keyed by issue id + UTC date over each mention id, ascending.
 */
import { createHmac } from 'node:crypto';

function hmacOrder(issueId: string, day: string, ids: string[]): string[] {
  const rank = (id: string) =>
    createHmac('sha256', issueId + day)
      .update(id)
      .digest('hex');
  return [...ids].sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
}

export { hmacOrder };
