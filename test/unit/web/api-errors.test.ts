/**
 * The dashboard's API client against a loopback server that answers as the API does when an
 * agency is over its rate limit (429, JSON error body, Retry-After), and what the official reads.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from '../../../web/src/api.ts';
import { errorText } from '../../../web/src/errors.ts';
import { setLang } from '../../../web/src/i18n.ts';

let server: Server;
let base = '';
let answer: { status: number; headers: Record<string, string> } = { status: 429, headers: {} };

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(
      JSON.stringify({
        error: {
          code: 'rate_limited',
          message: 'Too many requests from this client (client limit: 6000 per minute)',
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => setLang('id'));

async function failure(): Promise<ApiError> {
  const api = createApiClient({ baseUrl: base, token: () => 'pt_x', onUnauthorized: () => {} });
  const err = await api.issues().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('dashboard API client: 429', () => {
  it('reads Retry-After and tells the official, in Indonesian, when to try again', async () => {
    answer = { status: 429, headers: { 'retry-after': '15' } };
    const err = await failure();
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 15 });
    expect(errorText(err)).toBe(
      'Terlalu banyak permintaan dari instansi Anda. Coba lagi dalam 15 detik.',
    );
    setLang('en');
    expect(errorText(err)).toBe('Too many requests from your agency. Try again in 15 s.');
  });

  it('without a usable Retry-After (absent, or an HTTP date) still says it is a rate limit', async () => {
    const cases: Record<string, string>[] = [
      {},
      { 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' },
    ];
    for (const headers of cases) {
      answer = { status: 429, headers };
      const err = await failure();
      expect(err.retryAfterSeconds).toBeUndefined();
      expect(errorText(err)).toBe(
        'Terlalu banyak permintaan dari instansi Anda. Coba lagi sebentar lagi.',
      );
    }
  });

  it('keeps Retry-After out of other errors', async () => {
    answer = { status: 503, headers: { 'retry-after': '30' } };
    const err = await failure();
    expect(err.status).toBe(503);
    expect(err.retryAfterSeconds).toBeUndefined();
    expect(errorText(err)).toContain('Gagal memuat data');
  });
});
