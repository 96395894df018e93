/** `pantau collect --dry-run` against the fake feed server, as a user would run it. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeRssServer, rssXml, startFakeRssServer } from '../../fakes/rss-server.ts';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'lib/cli/main.ts', 'collect'];

async function pantau(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pantau collect --dry-run', () => {
  let server: FakeRssServer;

  beforeAll(async () => {
    server = await startFakeRssServer({
      '/feed': {
        body: rssXml([
          {
            title: 'Harga beras naik di Cipinang',
            link: 'https://portal.example.id/beras-naik',
            guid: 'b1',
            pubDate: 'Tue, 10 Mar 2026 09:35:00 +0700',
            description: '<p>Harga beras medium <b>naik</b>.</p>',
          },
          { title: 'Impor beras tiba', guid: 'b2', pubDate: 'Tue, 10 Mar 2026 09:40:00 +0700' },
          { title: 'Cuaca cerah', guid: 'b3', pubDate: 'Tue, 10 Mar 2026 09:45:00 +0700' },
        ]),
      },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('prints matching posts as JSON lines and a status line', async () => {
    const out = await pantau([
      '--source',
      'rss',
      '--feed',
      server.url('/feed'),
      '--query',
      '("harga beras" OR #beras) -impor',
      '--dry-run',
    ]);
    expect(out.code).toBe(0);
    const lines = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      source: 'rss',
      url: 'https://portal.example.id/beras-naik',
      author: { handle: 'portal.example.id' },
      title: 'Harga beras naik di Cipinang',
      text: 'Harga beras medium naik.',
      createdAt: '2026-03-10T02:35:00.000Z',
      lang: 'id',
      engagement: {},
    });
    expect(out.stderr).toMatch(
      /1 scope\(s\) \| 1 request\(s\) \| 3 post\(s\) seen \| 1 matching \| 0 failed/,
    );
    expect(server.requests.at(-1)?.headers['user-agent']).toMatch(/^Pantau\//);
  });

  it('rejects an invalid query with its position and exit code 2', async () => {
    const out = await pantau(['--source', 'rss', '--query', 'beras OR', '--dry-run']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('Invalid query at position 8');
    expect(out.stdout).toBe('');
  });

  it('exits 1 when the only scope fails', async () => {
    const out = await pantau([
      '--source',
      'rss',
      '--feed',
      server.url('/missing'),
      '--query',
      'beras',
      '--dry-run',
    ]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('HTTP 404');
  });
});
