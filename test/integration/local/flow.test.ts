/**
 * The walking skeleton end to end, through the same handlers Lambda runs: demo collector →
 * DynamoDB Local → stream → score → buckets → stream → detect → alert item and outbox, read back
 * through the local API Gateway stand-in.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../lib/local/runtime.ts';
import { silentLog } from '../../../lib/runtime/log.ts';

const TOKEN = 'pt_flow_test_token';

describe('local runtime: the whole flow', () => {
  let runtime: LocalRuntime;
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${runtime.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      port: 0,
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'pantau-flow-')),
      demoToken: TOKEN,
      schedules: {},
      log: silentLog,
    });
  }, 120_000);

  afterAll(async () => {
    await runtime?.stop();
  });

  it('answers /health without a token and refuses /v1 without one', async () => {
    const health = await fetch(`${runtime.url}/health`);
    expect(health.status).toBe(200);
    const anonymous = await fetch(`${runtime.url}/v1/issues`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBeTruthy();
  });

  it('collects demo posts, scores them and counts them in buckets', {
    timeout: 120_000,
  }, async () => {
    // Act
    await runtime.collect('demo');
    await runtime.pollers.whenIdle(60_000);

    // Assess
    const issues = await api('/v1/issues');
    expect(issues.status).toBe(200);
    const items = issues.body.items as { id: string }[];
    expect(items.map((i) => i.id).sort()).toEqual([...runtime.issueIds].sort());
    let scored = 0;
    let total = 0;
    for (const m of await allMentions()) {
      if (m.sentiment) {
        scored += 1;
        expect(['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED']).toContain(m.sentiment.label);
        expect(m.sentiment.engine).toBe('builtin');
      }
    }
    for (const id of runtime.issueIds) {
      const stats = await api(`/v1/issues/${id}/stats?interval=1h`);
      expect(stats.status).toBe(200);
      for (const s of stats.body.series as { total: number }[]) total += s.total;
    }
    expect(scored).toBeGreaterThan(0);
    // Every scored mention is counted exactly once in the hourly buckets.
    expect(total).toBe(scored);
  });

  it('re-collecting the same window writes no duplicates', { timeout: 120_000 }, async () => {
    const before = await countMentions();
    await runtime.collect('demo');
    await runtime.pollers.whenIdle(60_000);
    const after = await countMentions();
    expect(after).toBeGreaterThanOrEqual(before);
    const ids = await mentionIds();
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('turns a negative surge into one alert per level, in the outbox and the API', {
    timeout: 120_000,
  }, async () => {
    // Act
    await runtime.collect('demo', { forceBurst: true });
    await runtime.pollers.whenIdle(60_000);

    // Assess
    const alerts = await api('/v1/alerts?status=open');
    expect(alerts.status).toBe(200);
    const open = alerts.body.items as { id: string; level: string; issueId: string }[];
    expect(open.length).toBeGreaterThan(0);
    expect(existsSync(runtime.outboxFile)).toBe(true);
    const deliveries = readFileSync(runtime.outboxFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(deliveries.length).toBeGreaterThan(0);
    // One notification per (alert, recipient): a replayed batch must not send again.
    const keys = deliveries.map((d) => JSON.stringify([d.alertId, d.channel, d.address]));
    expect(new Set(keys).size).toBe(keys.length);
    const sms = deliveries.filter((d) => d.channel === 'sms');
    for (const d of sms) expect(String(d.text).length).toBeLessThanOrEqual(160);

    const alertId = open[0]?.id ?? '';
    const ack = await api(`/v1/alerts/${alertId}/ack`, {
      method: 'POST',
      body: '{"note":"ditangani"}',
    });
    expect(ack.status).toBe(200);
    expect((ack.body as { status: string }).status).toBe('acknowledged');
  });

  type MentionJson = { id: string; sentiment?: { label: string; engine: string } };

  async function allMentions(): Promise<MentionJson[]> {
    const all: MentionJson[] = [];
    for (const id of runtime.issueIds) {
      let cursor: string | undefined;
      do {
        const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = await api(`/v1/issues/${id}/mentions?limit=100${q}`);
        expect(page.status).toBe(200);
        all.push(...(page.body.items as MentionJson[]));
        cursor = page.body.nextCursor as string | undefined;
      } while (cursor);
    }
    return all;
  }

  async function mentionIds(): Promise<string[]> {
    return (await allMentions()).map((m) => m.id);
  }

  async function countMentions(): Promise<number> {
    return (await mentionIds()).length;
  }
});
