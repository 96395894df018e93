/**
 * The local dashboard server over real loopback HTTP: what it serves, with which headers, and
 * that everything else falls through to the API.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardFallback } from '../../../lib/local/dashboard.ts';
import { silentLog } from '../../../lib/runtime/log.ts';

describe('createDashboardFallback', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const fallback = await createDashboardFallback({ log: silentLog });
    server = createServer((req, res) => {
      void fallback(req, res, new URL(req.url ?? '/', 'http://localhost')).then((served) => {
        if (!served) res.writeHead(299, { 'x-fell-through': '1' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('serves index.html at / with a strict CSP and revalidation', async () => {
    for (const path of ['/', '/index.html']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).toMatch(/<script type="module" src="\/assets\/main-[A-Z0-9]+\.js"><\/script>/);
      // No inline script: the CSP would block it anyway.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });

  it('serves hashed assets as immutable, gzipped when the browser accepts it', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const styles = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(styles).toBeDefined();
    const plain = await fetch(`${base}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const body = Buffer.from(await plain.arrayBuffer());

    // fetch() would decode gzip itself; read the raw bytes with node:http instead.
    const { headers, raw } = await new Promise<{ headers: Record<string, unknown>; raw: Buffer }>(
      (resolve, reject) => {
        import('node:http').then(({ get }) => {
          get(`${base}${script}`, { headers: { 'accept-encoding': 'gzip, br;q=0.5' } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ headers: res.headers, raw: Buffer.concat(chunks) }));
          }).on('error', reject);
        }, reject);
      },
    );
    expect(headers['content-encoding']).toBe('gzip');
    expect(headers.vary).toBe('accept-encoding');
    expect(gunzipSync(raw).equals(body)).toBe(true);
    expect(raw.length).toBeLessThan(body.length);

    const css = await fetch(`${base}${styles}`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.uplot');
  });

  it('does not gzip for a client that refuses it with q=0', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      import('node:http').then(({ get }) => {
        get(`${base}${script}`, { headers: { 'accept-encoding': 'gzip;q=0, identity' } }, (res) => {
          res.resume();
          resolve(res.headers);
        }).on('error', reject);
      }, reject);
    });
    expect(headers['content-encoding']).toBeUndefined();
  });

  it('tells the app the API is on the same origin and the demo token signs in', async () => {
    const res = await fetch(`${base}/config.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ apiUrl: '', auth: { mode: 'token' }, stage: 'local' });
  });

  it('answers 404 for an unknown asset and 405 for a write, and leaves the API alone', async () => {
    expect((await fetch(`${base}/assets/nope.js`)).status).toBe(404);
    const post = await fetch(`${base}/`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    for (const path of ['/v1/issues', '/health', '/favicon.ico', '/assetsx']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(299);
      expect(res.headers.get('x-fell-through')).toBe('1');
    }
  });

  it('opens the app for an SMS alert link /a/<REF>', async () => {
    const index = await (await fetch(`${base}/`)).text();
    const res = await fetch(`${base}/a/K7QX2MZP`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe(index);
    expect((await fetch(`${base}/a/K7QX2MZP/extra`)).headers.get('x-fell-through')).toBe('1');
  });

  it('answers HEAD with headers and no body', async () => {
    const res = await fetch(`${base}/`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(100);
    expect(await res.text()).toBe('');
  });
});
