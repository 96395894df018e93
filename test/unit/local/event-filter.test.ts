import { describe, expect, it } from 'vitest';
import { matchesPattern, passesFilters } from '../../../lib/local/event-filter.ts';
import { DETECT_FILTER, SCORE_FILTER } from '../../../lib/storage/table-definition.ts';

const record = (eventName: string, image: Record<string, unknown>) => ({
  eventName,
  dynamodb: { NewImage: image },
});

describe('Lambda event filter patterns', () => {
  it('lets inserted mentions through to score and keeps buckets and updates away', () => {
    expect(matchesPattern(SCORE_FILTER, record('INSERT', { entityType: { S: 'mention' } }))).toBe(
      true,
    );
    expect(matchesPattern(SCORE_FILTER, record('MODIFY', { entityType: { S: 'mention' } }))).toBe(
      false,
    );
    expect(matchesPattern(SCORE_FILTER, record('INSERT', { entityType: { S: 'bucket' } }))).toBe(
      false,
    );
  });

  it('sends only 5-minute bucket changes to detect', () => {
    const five = record('MODIFY', { entityType: { S: 'bucket' }, width: { S: '5m' } });
    const hour = record('MODIFY', { entityType: { S: 'bucket' }, width: { S: '1h' } });
    expect(matchesPattern(DETECT_FILTER, five)).toBe(true);
    expect(matchesPattern(DETECT_FILTER, hour)).toBe(false);
    expect(matchesPattern(DETECT_FILTER, record('REMOVE', { entityType: { S: 'bucket' } }))).toBe(
      false,
    );
  });

  it('supports exists, prefix, anything-but and numeric rules, ORing patterns', () => {
    const ev = { a: 'hello', n: 7 };
    expect(matchesPattern({ a: [{ prefix: 'he' }] }, ev)).toBe(true);
    expect(matchesPattern({ a: [{ 'anything-but': ['hello'] }] }, ev)).toBe(false);
    expect(matchesPattern({ b: [{ exists: false }] }, ev)).toBe(true);
    expect(matchesPattern({ b: [{ exists: true }] }, ev)).toBe(false);
    expect(matchesPattern({ n: [{ numeric: ['>', 5, '<=', 7] }] }, ev)).toBe(true);
    expect(matchesPattern({ n: [{ numeric: ['>', 7] }] }, ev)).toBe(false);
    expect(passesFilters([{ a: ['x'] }, { a: ['hello'] }], ev)).toBe(true);
    expect(passesFilters([], ev)).toBe(true);
  });
});
