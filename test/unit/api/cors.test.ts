import { describe, expect, it } from 'vitest';
import { withCors } from '../../../lib/api/cors.ts';

const ok = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
const allowed = ['https://d111.cloudfront.net'];

describe('withCors', () => {
  it('echoes an allowed origin, whatever the header case', () => {
    const res = withCors(ok, { Origin: 'https://d111.cloudfront.net' }, allowed);
    expect(res.headers?.['Access-Control-Allow-Origin']).toBe('https://d111.cloudfront.net');
    expect(res.headers?.Vary).toBe('Origin');
    expect(res.headers?.['Access-Control-Expose-Headers']).toBe('Retry-After, X-Request-Id');
    expect(res.body).toBe('{}');
  });

  it('never allows another origin, and never a wildcard', () => {
    const evil = withCors(ok, { origin: 'https://evil.example' }, allowed);
    expect(evil.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    expect(evil.headers?.['Access-Control-Expose-Headers']).toBeUndefined();
    const none = withCors(ok, null, ['*']);
    expect(none.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });
});
