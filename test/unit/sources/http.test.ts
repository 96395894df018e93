import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SourceError, SourceRateLimitedError } from '../../../lib/domain/errors.ts';
import {
  createHttpClient,
  DEFAULT_USER_AGENT,
  decodeBody,
  parseJsonBody,
  redactUrl,
  retryAtFromHeaders,
} from '../../../lib/sources/http.ts';
import { rejection } from './support.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

let handler: Handler = (_req, res) => res.end('ok');
let hits = 0;
let seen: IncomingMessage[] = [];
const server = createServer((req, res) => {
  hits++;
  seen.push(req);
  handler(req, res, hits);
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  hits = 0;
  seen = [];
});

const NOW = Date.parse('2026-03-10T02:00:00.000Z');

function client(extra: Parameters<typeof createHttpClient>[0] = {}) {
  const sleeps: number[] = [];
  const http = createHttpClient({
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => NOW,
    random: () => 0.5,
    ...extra,
  });
  return { http, sleeps };
}

describe('createHttpClient', () => {
  it('returns status, headers, decoded text and sends the descriptive user agent', async () => {
    handler = (_req, res) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('x-demo', 'yes');
      res.end('{"a":"Jalan Daan Mogot 😩"}');
    };
    const { http } = client();
    const res = await http.request({
      url: `${base}/a`,
      source: 'x',
      headers: { authorization: 'Bearer t' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-demo')).toBe('yes');
    expect(parseJsonBody(res, 'x')).toEqual({ a: 'Jalan Daan Mogot 😩' });
    expect(res.url).toBe(`${base}/a`);
    expect(seen[0]?.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(seen[0]?.headers.authorization).toBe('Bearer t');
  });

  it('sends method and body', async () => {
    let body = '';
    handler = (req, res) => {
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => res.end(req.method));
    };
    const { http } = client();
    const res = await http.request({
      url: `${base}/p`,
      method: 'POST',
      body: '{"x":1}',
      source: 'bluesky',
    });
    expect(res.text).toBe('POST');
    expect(body).toBe('{"x":1}');
  });

  it('retries 5xx with full-jitter exponential backoff, then succeeds', async () => {
    handler = (_req, res, hit) => {
      res.statusCode = hit < 3 ? 503 : 200;
      res.end(hit < 3 ? 'busy' : 'fine');
    };
    const { http, sleeps } = client({ baseDelayMs: 1000, random: () => 0.5 });
    const res = await http.request({ url: `${base}/r`, source: 'x' });
    expect(res.text).toBe('fine');
    expect(hits).toBe(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('caps the backoff', async () => {
    handler = (_req, res) => {
      res.statusCode = 500;
      res.end();
    };
    const { http, sleeps } = client({
      baseDelayMs: 1000,
      maxDelayMs: 3000,
      random: () => 0.999,
      maxRetries: 4,
    });
    const err = await rejection(http.request({ url: `${base}/r`, source: 'x' }));
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).code).toBe('upstream_error');
    expect(hits).toBe(5);
    expect(sleeps).toEqual([999, 1998, 2997, 2997]);
  });

  it('does not retry 4xx or 304: the caller decides', async () => {
    for (const status of [304, 400, 401, 403, 404]) {
      hits = 0;
      handler = (_req, res) => {
        res.statusCode = status;
        res.end();
      };
      const { http, sleeps } = client();
      const res = await http.request({ url: `${base}/s`, source: 'rss' });
      expect(res.status).toBe(status);
      expect(hits).toBe(1);
      expect(sleeps).toEqual([]);
    }
  });

  it('honours Retry-After in seconds', async () => {
    handler = (_req, res, hit) => {
      if (hit === 1) {
        res.statusCode = 429;
        res.setHeader('retry-after', '7');
      }
      res.end('later');
    };
    const { http, sleeps } = client();
    const res = await http.request({ url: `${base}/ra`, source: 'rss' });
    expect(res.status).toBe(200);
    expect(sleeps).toEqual([7000]);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    handler = (_req, res, hit) => {
      if (hit === 1) {
        res.statusCode = 503;
        res.setHeader('retry-after', new Date(NOW + 12_000).toUTCString());
      }
      res.end('later');
    };
    const { http, sleeps } = client();
    await http.request({ url: `${base}/rd`, source: 'google-news' });
    expect(sleeps).toEqual([12_000]);
  });

  it("throws SourceRateLimitedError at X's reset when the wait would pass the deadline", async () => {
    const reset = Math.floor(NOW / 1000) + 900;
    handler = (_req, res) => {
      res.statusCode = 429;
      res.setHeader('x-rate-limit-limit', '450');
      res.setHeader('x-rate-limit-remaining', '0');
      res.setHeader('x-rate-limit-reset', String(reset));
      res.end('{"title":"Too Many Requests","type":"about:blank","status":429}');
    };
    const { http, sleeps } = client();
    const err = await rejection(
      http.request({ url: `${base}/x`, source: 'x', deadline: NOW + 30_000 }),
    );
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAt.getTime()).toBe(reset * 1000);
    expect((err as SourceRateLimitedError).source).toBe('x');
    expect(sleeps).toEqual([]);
    expect(hits).toBe(1);
  });

  it("reads Mastodon's ISO X-RateLimit-Reset and Bluesky's epoch RateLimit-Reset", async () => {
    const iso = '2026-03-10T02:05:00.000Z';
    handler = (_req, res) => {
      res.statusCode = 429;
      res.setHeader('x-ratelimit-reset', iso);
      res.end('{"error":"Too many requests"}');
    };
    const { http } = client();
    const err = await rejection(
      http.request({ url: `${base}/m`, source: 'mastodon', deadline: NOW + 60_000 }),
    );
    expect((err as SourceRateLimitedError).retryAt.toISOString()).toBe(iso);

    const h = new Headers({ 'ratelimit-reset': String(NOW / 1000 + 40) });
    expect(retryAtFromHeaders(h, NOW)).toBe(NOW + 40_000);
    expect(retryAtFromHeaders(new Headers({ 'x-ratelimit-reset': '30' }), NOW)).toBe(NOW + 30_000);
    expect(retryAtFromHeaders(new Headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(retryAtFromHeaders(new Headers(), NOW)).toBeUndefined();
  });

  it('waits for a short reset inside the deadline, then succeeds', async () => {
    handler = (_req, res, hit) => {
      if (hit === 1) {
        res.statusCode = 429;
        res.setHeader('ratelimit-reset', String(NOW / 1000 + 3));
      }
      res.end('{}');
    };
    const { http, sleeps } = client();
    const res = await http.request({ url: `${base}/b`, source: 'bluesky', deadline: NOW + 60_000 });
    expect(res.status).toBe(200);
    expect(sleeps).toEqual([3000]);
  });

  it('refuses a server wait longer than maxServerWaitMs even without a deadline', async () => {
    handler = (_req, res) => {
      res.statusCode = 429;
      res.setHeader('retry-after', '3600');
      res.end();
    };
    const { http, sleeps } = client();
    const err = await rejection(http.request({ url: `${base}/long`, source: 'rss' }));
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAt.getTime()).toBe(NOW + 3_600_000);
    expect(sleeps).toEqual([]);
  });

  it('returns a response the caller marks noRetry, even a 429', async () => {
    handler = (_req, res) => {
      res.statusCode = 429;
      res.end('{"type":"https://api.twitter.com/2/problems/usage-capped"}');
    };
    const { http, sleeps } = client();
    const res = await http.request({
      url: `${base}/cap`,
      source: 'x',
      noRetry: (r) => r.text.includes('usage-capped'),
    });
    expect(res.status).toBe(429);
    expect(hits).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up on a 429 without headers after the retries, as rate-limited', async () => {
    handler = (_req, res) => {
      res.statusCode = 429;
      res.end();
    };
    const { http, sleeps } = client({ maxRetries: 2, baseDelayMs: 100, random: () => 1 });
    const err = await rejection(http.request({ url: `${base}/n`, source: 'x' }));
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect(hits).toBe(3);
    expect(sleeps).toEqual([100, 200]);
    expect((err as SourceRateLimitedError).retryAt.getTime()).toBe(NOW + 400);
  });

  it('retries network errors and then throws a typed network_error', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const { http, sleeps } = client({ maxRetries: 2 });
    const err = await rejection(http.request({ url: `http://127.0.0.1:${port}/`, source: 'x' }));
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).code).toBe('network_error');
    expect(sleeps).toHaveLength(2);
  });

  it('retries a connection cut in the middle of the body', async () => {
    handler = (_req, res, hit) => {
      if (hit === 1) {
        res.setHeader('content-length', '100');
        res.write('{"partial":');
        setImmediate(() => res.destroy());
        return;
      }
      res.end('{"whole":true}');
    };
    const { http } = client();
    const res = await http.request({ url: `${base}/cut`, source: 'x' });
    expect(res.text).toBe('{"whole":true}');
    expect(hits).toBe(2);
  });

  it('times out a silent server per attempt', async () => {
    handler = () => {
      // never answers
    };
    const { http } = client({ timeoutMs: 50, maxRetries: 1, now: Date.now });
    const err = await rejection(http.request({ url: `${base}/silent`, source: 'youtube' }));
    expect((err as SourceError).code).toBe('timeout');
    expect(hits).toBe(2);
  });

  it('refuses to start a request past the deadline', async () => {
    const { http } = client();
    const err = await rejection(
      http.request({ url: `${base}/late`, source: 'x', deadline: NOW - 1 }),
    );
    expect((err as SourceError).code).toBe('deadline_exceeded');
    expect(hits).toBe(0);
  });

  it('stops when the caller aborts', async () => {
    handler = () => {};
    const controller = new AbortController();
    const { http } = client({ now: Date.now });
    const pending = http.request({ url: `${base}/abort`, source: 'x', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutdown')), 20);
    const err = await rejection(pending);
    expect((err as SourceError).code).toBe('aborted');
  });

  it('keeps credentials out of error messages', async () => {
    handler = (_req, res) => {
      res.statusCode = 500;
      res.end();
    };
    const { http } = client({ maxRetries: 0 });
    const err = await rejection(
      http.request({ url: `${base}/v3/search?q=beras&key=SECRET123`, source: 'youtube' }),
    );
    expect((err as Error).message).not.toContain('SECRET123');
    expect((err as Error).message).toContain('key=REDACTED');
    expect(redactUrl('https://u:p@h/x?access_token=a&q=1')).toBe(
      'https://h/x?access_token=REDACTED&q=1',
    );
  });

  it('turns a non-JSON body into a typed malformed_response error', async () => {
    handler = (_req, res) => res.end('{"data":[{"id":"1",');
    const { http } = client();
    const res = await http.request({ url: `${base}/bad?key=SECRET`, source: 'x' });
    const err = await rejection(Promise.resolve().then(() => parseJsonBody(res, 'x')));
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).code).toBe('malformed_response');
    expect((err as Error).message).not.toContain('SECRET');
  });

  it('decodes by the Content-Type charset over the wire', async () => {
    handler = (_req, res) => {
      res.setHeader('content-type', 'text/plain; charset=windows-1252');
      res.end(Buffer.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x80])); // “Café” €
    };
    const { http } = client();
    const res = await http.request({ url: `${base}/cp`, source: 'rss' });
    expect(res.text).toBe('\u201cCaf\u00e9\u201d \u20ac');
  });
});

describe('decodeBody', () => {
  const latin1Xml = Buffer.concat([
    Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><t>'),
    Buffer.from([0x50, 0x65, 0x6d, 0x64, 0x61, 0x20, 0xe9]),
    Buffer.from('</t>'),
  ]);

  it('uses the XML declaration when the header has no charset', () => {
    expect(decodeBody(latin1Xml, 'application/rss+xml')).toBe(
      '<?xml version="1.0" encoding="ISO-8859-1"?><t>Pemda é</t>',
    );
    expect(decodeBody(latin1Xml, null)).toContain('Pemda é');
  });

  it('lets the header charset win over the declaration', () => {
    const utf8 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><t>é</t>');
    expect(decodeBody(utf8, 'text/xml; charset="UTF-8"')).toContain('<t>é</t>');
  });

  it('replaces invalid bytes instead of throwing', () => {
    const bytes = Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xc3]);
    expect(decodeBody(bytes, 'application/json; charset=utf-8')).toBe('a\ufffd\ufffdb\ufffd');
  });

  it('falls back to UTF-8 for an unknown charset label', () => {
    expect(decodeBody(Buffer.from('banjir 🌊'), 'text/plain; charset=x-klingon')).toBe('banjir 🌊');
  });

  it('follows a byte-order mark', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hai', 'utf16le')]);
    expect(decodeBody(le, 'text/plain; charset=utf-8')).toBe('hai');
    const bom8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ok')]);
    expect(decodeBody(bom8, null)).toBe('ok');
  });
});
