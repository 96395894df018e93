import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createOutboxPublisher,
  formatEmail,
  formatSms,
  type OutboxDelivery,
} from '../../../lib/alerts/index.ts';
import type { SubscriberRepository } from '../../../lib/domain/ports.ts';
import type { Subscriber } from '../../../lib/domain/types.ts';
import { sampleAlert } from './fixtures.ts';

/** In-memory subscribers with the repository's contract (list by issue). */
function memorySubscribers(subs: Subscriber[]): SubscriberRepository {
  return {
    async list(issueId) {
      return subs.filter((s) => s.issueId === issueId);
    },
    async add(s) {
      subs.push(s);
    },
    async remove(issueId, id) {
      const i = subs.findIndex((s) => s.issueId === issueId && s.id === id);
      if (i < 0) return false;
      subs.splice(i, 1);
      return true;
    },
  };
}

function sub(
  id: string,
  channel: 'sms' | 'email',
  minLevel: Subscriber['minLevel'],
  extra: Partial<Subscriber> = {},
): Subscriber {
  return {
    tenantId: 'kominfo',
    issueId: 'harga-beras',
    id,
    channel,
    address: channel === 'sms' ? '+6281234567890' : `${id}@kominfo.go.id`,
    minLevel,
    lang: 'id',
    createdAt: '2026-03-01T00:00:00.000Z',
    ...extra,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pantau-outbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createOutboxPublisher', () => {
  it('writes one line per matching subscriber with the text SNS would deliver', async () => {
    const file = join(dir, 'nested', 'outbox.jsonl');
    const subs = [
      sub('a', 'sms', 'WASPADA'),
      sub('b', 'email', 'SIAGA', { lang: 'en' }),
      sub('c', 'sms', 'AWAS'),
      sub('d', 'sms', 'WASPADA', { tenantId: 'other' }),
      sub('e', 'sms', 'WASPADA', { issueId: 'other-issue' }),
    ];
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const publisher = createOutboxPublisher({
      file,
      subscribers: memorySubscribers(subs),
      baseUrl: 'https://pantau.go.id',
    });
    const alert = sampleAlert();
    const { messageId } = await publisher.publish(alert);
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining(
        '[outbox] SIAGA raised: Harga Beras Naik (76 negative) -> 1 sms, 1 email',
      ),
    );
    log.mockRestore();
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OutboxDelivery);
    expect(lines.map((l) => l.subscriberId)).toEqual(['a', 'b']);
    expect(lines.every((l) => l.messageId === messageId && l.alertId === alert.id)).toBe(true);
    expect(lines[0]).toMatchObject({
      channel: 'sms',
      text: formatSms(alert, 'id', 'https://pantau.go.id'),
    });
    const email = formatEmail(alert, 'en', 'https://pantau.go.id');
    expect(lines[1]).toMatchObject({
      channel: 'email',
      lang: 'en',
      subject: email.subject,
      text: email.text,
    });
  });

  it('appends across alerts and writes nothing when nobody subscribes', async () => {
    const file = join(dir, 'outbox.jsonl');
    const subs: Subscriber[] = [];
    const publisher = createOutboxPublisher({
      file,
      subscribers: memorySubscribers(subs),
      console: false,
    });
    await publisher.publish(sampleAlert());
    await expect(readFile(file, 'utf8')).rejects.toThrow(/ENOENT/);
    subs.push(sub('a', 'sms', 'WASPADA'));
    await publisher.publish(sampleAlert());
    await publisher.publish(sampleAlert({ level: 'AWAS', state: 'escalated' }));
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.level}/${l.state}`)).toEqual(['SIAGA/raised', 'AWAS/escalated']);
  });
});
