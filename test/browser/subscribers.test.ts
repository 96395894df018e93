/**
 * Browser: confirming an email subscriber from the dashboard, as in AWS where subscribers are SNS
 * subscriptions. The real API code (createApi) runs on in-memory repositories with a recording
 * subscription port in place of SNS; the dashboard is the built one, in headless Chromium.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLocalToken } from '../../lib/api/auth.ts';
import { createNodeListener } from '../../lib/api/node-http.ts';
import type { Subscriptions } from '../../lib/api/types.ts';
import { createDashboardFallback } from '../../lib/local/dashboard.ts';
import { createConsoleLog } from '../../lib/runtime/log.ts';
import { createFakeRepositories } from '../unit/api/fakes.ts';
import { buildApi } from '../unit/api/fixtures.ts';
import { launchChromium } from './chromium.ts';

const ARN = 'arn:aws:sns:ap-southeast-3:111122223333:pantau-alerts:9a8b';
const TOPIC = 'arn:aws:sns:ap-southeast-3:111122223333:pantau-alerts';
const LINK = `https://sns.ap-southeast-3.amazonaws.com/confirmation.html?TopicArn=${encodeURIComponent(TOPIC)}&Token=${'ab12'.repeat(20)}`;

describe('dashboard: email confirmation', () => {
  const confirmations: string[] = [];
  const subscriptions: Subscriptions = {
    subscribe: async () => ARN,
    unsubscribe: async () => undefined,
    async confirm(_sub, { token, topicArn }) {
      confirmations.push(`${topicArn}/${token}`);
      return ARN;
    },
  };
  let server: Server;
  let url: string;
  let token: string;
  let page: Page;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const repos = createFakeRepositories();
    const now = new Date();
    await repos.tenants.put({ id: 'demo', name: 'Demo', createdAt: now.toISOString() });
    ({ token } = await issueLocalToken(repos.tenants, {
      tenantId: 'demo',
      scopes: ['pantau/write'],
      name: 'browser',
      now,
    }));
    const api = buildApi(repos, { subscriptions });
    const call = (method: string, path: string, body?: unknown) =>
      api({
        method,
        path,
        query: {},
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const issue = JSON.parse(
      (await call('POST', '/v1/issues', { name: 'Harga beras', query: '"harga beras"' })).body,
    );
    await call('POST', `/v1/issues/${issue.id}/subscribers`, {
      channel: 'email',
      address: 'humas@example.go.id',
    });
    await call('POST', `/v1/issues/${issue.id}/subscribers`, {
      channel: 'sms',
      address: '+6281100000000',
    });
    const dashboard = await createDashboardFallback({ log: createConsoleLog('dashboard') });
    server = createServer(
      createNodeListener(api, {
        fallback: (req, res) => {
          void dashboard(req, res, new URL(req.url ?? '/', 'http://localhost')).then((served) => {
            if (!served) res.writeHead(404).end();
          });
        },
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const chromium = await launchChromium();
    close = chromium.close;
    page = await chromium.browser.newPage();
  });

  afterAll(async () => {
    await close?.();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('shows a pending email, refuses a wrong link with the reason, and confirms the AWS link', async () => {
    await page.goto(`${url}/?token=${token}#/subscribers`);
    await page.locator('.sub-row').first().waitFor();
    const pending = page.locator('.sub-row', { hasText: 'humas@example.go.id' });
    await expect.poll(() => pending.locator('.badge-pending').count()).toBe(1);
    // SMS needs no confirmation: no badge, no form on its row.
    const sms = page.locator('.sub-row', { hasText: '+6281100000000' });
    expect(await sms.locator('.sub-confirm').count()).toBe(0);

    const input = pending.locator('.sub-confirm input');
    await input.fill('https://evil.example.com/confirmation.html?Token=abc');
    await pending.getByRole('button', { name: 'Konfirmasi' }).click();
    await expect
      .poll(() => pending.locator('.form-error').textContent(), { timeout: 15_000 })
      .toMatch(/sns\.<region>\.amazonaws\.com/);
    // The API refused it before the port was asked.
    expect(confirmations).toEqual([]);

    await input.fill(LINK);
    await pending.getByRole('button', { name: 'Konfirmasi' }).click();
    await expect.poll(() => page.locator('.badge-pending').count(), { timeout: 15_000 }).toBe(0);
    expect(confirmations).toEqual([`${TOPIC}/${'ab12'.repeat(20)}`]);
    expect(await page.locator('.sub-confirm').count()).toBe(0);
  });
});
