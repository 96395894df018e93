import { ValidationError } from '../domain/errors.ts';

/** Which issue window changed, read from a bucket's stream image. */
function bucketChangeFromImage(item: Record<string, unknown>): {
  tenantId: string;
  issueId: string;
  start: string;
} {
  const { tenantId, issueId, start } = item;
  if (typeof tenantId !== 'string' || typeof issueId !== 'string' || typeof start !== 'string') {
    throw new ValidationError('Bucket item lacks tenantId, issueId or start');
  }
  return { tenantId, issueId, start };
}

export { bucketChangeFromImage };
