import { describe, expect, it } from 'vitest';
import type { Issue, Post } from '../../../lib/domain/types.ts';
import { compileMatcher, validateQuery } from '../../../lib/query/index.ts';
import { createDemoSource, DEMO_ISSUES } from '../../../lib/sources/demo.ts';

const issues: Issue[] = DEMO_ISSUES.map((d, i) => ({
  ...d,
  tenantId: 'demo',
  id: `demo-${i + 1}`,
  status: 'active',
  detector: {},
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
}));

const at = (iso: string) => ({ now: new Date(iso), deadline: Date.now() + 10_000 });

async function runDay(seed: number, issue: Issue): Promise<Post[]> {
  const demo = createDemoSource({ seed, burstEveryMinutes: 240, postsPerRun: 10_000 });
  const [scope] = demo.scopes([issue]);
  if (!scope) throw new Error('no scope');
  let cursor: Record<string, unknown> | undefined;
  const all: Post[] = [];
  for (let h = 1; h <= 24; h++) {
    const res = await demo.fetch(
      scope,
      cursor,
      at(new Date(Date.UTC(2026, 2, 10, h)).toISOString()),
    );
    all.push(...res.posts);
    cursor = res.cursor;
  }
  return all;
}

describe('demo source', () => {
  it('offers 2-3 valid demo issues that every source can search', () => {
    expect(DEMO_ISSUES.length).toBeGreaterThanOrEqual(2);
    expect(DEMO_ISSUES.length).toBeLessThanOrEqual(3);
    for (const d of DEMO_ISSUES) {
      expect(() => validateQuery(d.query)).not.toThrow();
      expect(d.sources).toContain('demo');
    }
  });

  it('generates posts that match their issue query, in Indonesian, with authors and engagement', async () => {
    for (const issue of issues) {
      const posts = await runDay(7, issue);
      const match = compileMatcher(issue.query);
      expect(posts.length).toBeGreaterThan(500);
      for (const p of posts) {
        expect(match(p), p.text).toBe(true);
        expect(p).toMatchObject({ source: 'demo', lang: 'id' });
        expect(p.author.handle).toMatch(/^[a-z0-9_.]+$/);
        expect(p.url.startsWith('https://demo.pantau.invalid/')).toBe(true);
        expect(p.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
      expect(new Set(posts.map((p) => p.sourceId)).size).toBe(posts.length);
      expect(new Set(posts.map((p) => p.text)).size).toBeGreaterThan(40);
      expect(posts.some((p) => (p.engagement.likes ?? 0) > 50)).toBe(true);
    }
  });

  it('posts more in Jakarta daytime than at night', async () => {
    const posts = await runDay(7, issues[0] as Issue);
    const wibHour = (p: Post) => (new Date(p.createdAt).getUTCHours() + 7) % 24;
    const night = posts.filter((p) => wibHour(p) >= 0 && wibHour(p) < 5).length;
    const day = posts.filter((p) => wibHour(p) >= 10 && wibHour(p) < 15).length;
    expect(day).toBeGreaterThan(night * 3);
  });

  it('is deterministic from seed and clock, so a re-run yields the same posts', async () => {
    const a = createDemoSource({ seed: 42 });
    const b = createDemoSource({ seed: 42 });
    const scope = a.scopes(issues)[1];
    if (!scope) throw new Error('no scope');
    const ra = await a.fetch(scope, { minute: 29551800 }, at('2026-03-10T03:00:00.000Z'));
    const rb = await b.fetch(scope, { minute: 29551800 }, at('2026-03-10T03:00:00.000Z'));
    expect(ra).toEqual(rb);
    const other = await createDemoSource({ seed: 43 }).fetch(
      scope,
      { minute: 29551800 },
      at('2026-03-10T03:00:00.000Z'),
    );
    expect(other.posts).not.toEqual(ra.posts);
  });

  it('continues from its cursor without gaps or overlaps', async () => {
    const demo = createDemoSource({ seed: 1 });
    const scope = demo.scopes(issues)[2];
    if (!scope) throw new Error('no scope');
    const r1 = await demo.fetch(scope, undefined, at('2026-03-10T03:00:30.000Z'));
    const r2 = await demo.fetch(scope, r1.cursor, at('2026-03-10T03:10:30.000Z'));
    const ids1 = new Set(r1.posts.map((p) => p.sourceId));
    expect(r2.posts.some((p) => ids1.has(p.sourceId))).toBe(false);
    expect(r2.cursor?.until).toBe('2026-03-10T03:10:00.000Z');
    expect(r2.posts.every((p) => p.createdAt >= '2026-03-10T03:00:00.000Z')).toBe(true);
    expect(r2.posts.every((p) => p.createdAt < '2026-03-10T03:10:00.000Z')).toBe(true);
  });

  it('caps posts per run and resumes where it stopped', async () => {
    const demo = createDemoSource({ seed: 3, postsPerRun: 10 });
    const scope = demo.scopes(issues)[0];
    if (!scope) throw new Error('no scope');
    const r1 = await demo.fetch(scope, { minute: 29551800 }, at('2026-03-10T03:00:00.000Z'));
    expect(r1.posts.length).toBeLessThanOrEqual(10);
    expect(r1.cursor?.minute).toBeLessThan(29551859);
    const r2 = await demo.fetch(scope, r1.cursor, at('2026-03-10T03:00:00.000Z'));
    expect(r2.posts[0]?.createdAt.localeCompare(r1.posts.at(-1)?.createdAt ?? '')).toBeGreaterThan(
      -1,
    );
  });

  it('forces a NEGATIVE-toned burst on demand for one issue', async () => {
    const demo = createDemoSource({ seed: 5, burstEveryMinutes: 0 });
    const [s1, s2] = demo.scopes(issues);
    if (!s1 || !s2) throw new Error('no scopes');
    const cursor = { minute: 29551858 };
    const quiet = await demo.fetch(s2, cursor, at('2026-03-10T03:00:00.000Z'));
    demo.forceBurst({ issueId: 'demo-2', posts: 30 });
    const other = await demo.fetch(s1, cursor, at('2026-03-10T03:00:00.000Z'));
    const loud = await demo.fetch(s2, cursor, at('2026-03-10T03:00:00.000Z'));
    expect(other.posts.length).toBeLessThan(10);
    expect(loud.posts.length).toBe(quiet.posts.length + 30);
    const burst = loud.posts.filter((p) => p.sourceId.includes('-burst-'));
    // Complaint vocabulary of the negative templates, not the neutral or positive ones.
    const negativeWords = /lambat|error|ditolak|kecewa|parah|ribet|tolong|nonaktif|naik/i;
    expect(burst.every((p) => negativeWords.test(p.text))).toBe(true);
    const after = await demo.fetch(s2, cursor, at('2026-03-10T03:00:00.000Z'));
    expect(after.posts.length).toBe(quiet.posts.length);
  });

  it('has automatic bursts: some quarter-hour of the day is far above the usual rate', async () => {
    const posts = await runDay(11, issues[0] as Issue);
    const perQuarter = new Map<string, number>();
    for (const p of posts) {
      const q =
        p.createdAt.slice(0, 14) + String(Math.floor(Number(p.createdAt.slice(14, 16)) / 15));
      perQuarter.set(q, (perQuarter.get(q) ?? 0) + 1);
    }
    const counts = [...perQuarter.values()].sort((x, y) => x - y);
    const median = counts[Math.floor(counts.length / 2)] ?? 0;
    expect(Math.max(...counts)).toBeGreaterThan(median * 3);
  });
});
