import { describe, expect, it } from 'vitest';
import {
  decodeAlertId,
  decodeMentionId,
  encodeAlertId,
  encodeMentionId,
  mentionKey,
  mentionRange,
} from '../../../lib/storage/keys.ts';

describe('keys', () => {
  it('puts every mention of an issue in one partition, ordered by creation time', () => {
    const a = mentionKey('iss1', '2026-01-01T00:00:00.000Z', 'rss', 'x');
    const b = mentionKey('iss1', '2026-01-01T00:05:00.000Z', 'demo', 'a');
    expect(a.pk).toBe(b.pk);
    expect(a.sk < b.sk).toBe(true);
  });

  it('builds the same key for the same post, so a re-collected post is a duplicate', () => {
    const a = mentionKey('iss1', '2026-01-01T00:00:00.000Z', 'x', '123');
    const b = mentionKey('iss1', '2026-01-01T00:00:00.000Z', 'x', '123');
    expect(a).toEqual(b);
  });

  it('excludes mentions created exactly at the end of a range', () => {
    const r = mentionRange('iss1', '2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z');
    const atEnd = mentionKey('iss1', '2026-01-01T01:00:00.000Z', 'x', '1').sk;
    const atStart = mentionKey('iss1', '2026-01-01T00:00:00.000Z', 'x', '1').sk;
    expect(atEnd >= r.skTo).toBe(true);
    expect(atStart >= r.skFrom && atStart < r.skTo).toBe(true);
  });

  it('round-trips mention and alert ids and rejects forged ones', () => {
    const sk = mentionKey('iss1', '2026-01-01T00:00:00.000Z', 'x', '1').sk;
    expect(decodeMentionId(encodeMentionId('iss1', sk))).toEqual({ issueId: 'iss1', sk });
    expect(decodeMentionId('not valid!')).toBeUndefined();
    expect(decodeMentionId(Buffer.from('iss1\nALERT#x').toString('base64url'))).toBeUndefined();
    expect(decodeAlertId(encodeAlertId('iss1', 'ALERT#t#AWAS'))).toEqual({
      issueId: 'iss1',
      sk: 'ALERT#t#AWAS',
    });
    expect(decodeAlertId(Buffer.from('../x\nALERT#t').toString('base64url'))).toBeUndefined();
  });
});
