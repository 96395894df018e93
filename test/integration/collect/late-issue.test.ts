/**
 * An issue created after a feed was read is still matched against what the feed carries: the RSS
 * cursor skips items it delivered before (seen ids, ETag), so the collect use case fetches a scope
 * afresh when the issues matched against it changed. DynamoDB Local, fake feed server on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { Issue } from '../../../lib/domain/types.ts';
import { createCollectUseCase } from '../../../lib/pipeline/collect.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import { createRssSource } from '../../../lib/sources/rss.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { type FakeRssServer, rssXml, startFakeRssServer } from '../../fakes/rss-server.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

const NOW = new Date('2026-03-10T03:00:00.000Z');

function issue(id: string, query: string): Issue {
  return {
    tenantId: 'pemprov',
    id,
    name: id,
    query,
    sources: ['rss'],
    languages: ['id'],
    status: 'active',
    detector: {},
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

async function mentionIds(repos: Repositories, issueId: string): Promise<string[]> {
  const page = await repos.mentions.query(issueId, {
    from: '2000-01-01T00:00:00.000Z',
    to: '2100-01-01T00:00:00.000Z',
    limit: 100,
    order: 'asc',
  });
  return page.items.map((m) => m.sourceId).sort();
}

describe('an issue added after the feed was read', () => {
  let table: TestTable;
  let server: FakeRssServer;
  let repos: Repositories;

  beforeAll(async () => {
    table = await createTestTable('late-issue');
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
    server = await startFakeRssServer({
      '/terkini': {
        etag: '"v1"',
        body: rssXml([
          {
            title: 'Harga beras naik di pasar induk',
            guid: 'https://portal.example.id/1',
            link: 'https://portal.example.id/1',
            pubDate: 'Tue, 10 Mar 2026 09:35:00 +0700',
            description: 'Pedagang mengeluh harga beras.',
          },
          {
            title: 'Banjir rendam tiga kecamatan',
            guid: 'https://portal.example.id/2',
            link: 'https://portal.example.id/2',
            pubDate: 'Tue, 10 Mar 2026 09:00:00 +0700',
            description: 'Warga mengungsi karena banjir.',
          },
        ]),
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await table.drop();
  });

  it('matches the new issue against the items already delivered, and writes nothing twice', async () => {
    const collect = () =>
      createCollectUseCase({
        repos,
        adapters: {
          rss: createRssSource({ http: createHttpClient(), feeds: [server.url('/terkini')] }),
        },
        now: () => NOW,
      }).run('rss');
    await repos.issues.create(issue('beras', 'beras'));
    const first = await collect();
    expect(first.written).toBe(1);

    // Unchanged issues: the feed answers 304 and nothing is fetched again.
    const second = await collect();
    expect(second.scopes[0]?.rematched).toBeUndefined();
    expect(second.postsSeen).toBe(0);
    expect(server.requests.at(-1)?.headers['if-none-match']).toBe('"v1"');

    await repos.issues.create(issue('banjir', 'banjir'));
    const third = await collect();
    expect(third.scopes[0]?.rematched).toBe(true);
    expect(server.requests.at(-1)?.headers['if-none-match']).toBeUndefined();
    expect(third.written).toBe(1);
    expect(third.duplicates).toBe(1);
    expect(await mentionIds(repos, 'banjir')).toHaveLength(1);
    expect(await mentionIds(repos, 'beras')).toHaveLength(1);

    // The cursor now belongs to the new set of issues: back to conditional GETs.
    const fourth = await collect();
    expect(fourth.scopes[0]?.rematched).toBeUndefined();
    expect(fourth.postsSeen).toBe(0);
    expect(fourth.written + fourth.duplicates).toBe(0);
  });
});
