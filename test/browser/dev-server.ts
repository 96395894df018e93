/**
 * A development server for the dashboard alone: the real API code (createApi) on in-memory
 * repositories with a week of generated data and one open alert, plus the dashboard itself.
 * For UI work while the rest of the local runtime is elsewhere; the browser tests use the real
 * runtime. Run: npx tsx test/browser/dev-server.ts [port]
 */
import { createServer } from 'node:http';
import { issueLocalToken } from '../../lib/api/auth.ts';
import { createNodeListener } from '../../lib/api/node-http.ts';
import type { Bucket, Issue } from '../../lib/domain/types.ts';
import { createDashboardFallback } from '../../lib/local/dashboard.ts';
import { createConsoleLog } from '../../lib/runtime/log.ts';
import { createFakeRepositories } from '../unit/api/fakes.ts';
import { buildApi, makeAlert, makeMention } from '../unit/api/fixtures.ts';

async function main() {
  const port = Number(process.argv[2] ?? 8790);
  const repos = createFakeRepositories();
  const now = new Date();
  const iso = now.toISOString();
  await repos.tenants.put({ id: 'demo', name: 'Demo', createdAt: iso });
  const { token } = await issueLocalToken(repos.tenants, {
    tenantId: 'demo',
    scopes: ['pantau/admin'],
    name: 'dev',
    now,
  });
  const names = ['Harga beras', 'Banjir Jakarta', 'Layanan KTP elektronik'];
  for (const [n, name] of names.entries()) {
    const issue: Issue = {
      tenantId: 'demo',
      id: `demo-${n + 1}`,
      name,
      query: n === 0 ? '("harga beras" OR #beras) -impor' : name.toLowerCase(),
      sources: ['demo', 'x', 'bluesky'],
      languages: ['id'],
      status: 'active',
      detector: n === 0 ? { minNegative: 10 } : {},
      createdAt: iso,
      updatedAt: iso,
    };
    await repos.issues.create(issue);
    await repos.subscribers.add({
      tenantId: 'demo',
      issueId: issue.id,
      id: `s${n}`,
      channel: 'sms',
      address: '+6281100000000',
      minLevel: 'SIAGA',
      lang: 'id',
      createdAt: iso,
    });
    for (let i = 0; i < 60; i++) {
      await repos.mentions.putNew(makeMention('demo', issue.id, i, now));
    }
    for (const width of ['5m', '1h'] as const) {
      const step = width === '5m' ? 300_000 : 3_600_000;
      const count = width === '5m' ? 288 : 168;
      const start = Math.floor(now.getTime() / step) * step;
      for (let k = 0; k < count; k++) {
        const spike = n === 0 && k < (width === '5m' ? 4 : 1);
        const base = 3 + ((k * 7 + n) % 5);
        const b: Bucket = {
          tenantId: 'demo',
          issueId: issue.id,
          width,
          start: new Date(start - k * step).toISOString(),
          positive: base * (width === '1h' ? 6 : 1),
          negative: (spike ? 30 : 1 + (k % 3)) * (width === '1h' ? 4 : 1),
          neutral: base * (width === '1h' ? 5 : 1),
          mixed: k % 2,
          total: 0,
          engagement: base * 11,
        };
        b.total = b.positive + b.negative + b.neutral + b.mixed;
        repos._buckets.push(b);
      }
    }
  }
  const alert = makeAlert(
    'demo',
    'demo-1',
    new Date(now.getTime() - 20 * 60_000).toISOString(),
    'SIAGA',
  );
  alert.issueName = 'Harga beras';
  alert.evidence.trend = [4, 3, 5, 4, 6, 5, 4, 7, 5, 6, 12, 38];
  await repos.alerts.create(alert);

  const api = buildApi(repos);
  const dashboard = await createDashboardFallback({ log: createConsoleLog('dashboard') });
  const server = createServer(
    createNodeListener(api, {
      fallback: (req, res) => {
        void dashboard(req, res, new URL(req.url ?? '/', 'http://localhost')).then((served) => {
          if (!served) {
            res.writeHead(404).end();
          }
        });
      },
    }),
  );
  server.listen(port, '127.0.0.1', () => {
    console.log(`dashboard dev server: http://127.0.0.1:${port}/?token=${token}`);
  });
}

void main();
