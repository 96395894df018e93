import { describe, expect, it } from 'vitest';
import { pkceChallenge } from '../../../web/src/pkce.ts';
import { safeUrl } from '../../../web/src/url.ts';

describe('safeUrl', () => {
  it('lets http(s) links through and drops script, data and malformed ones', () => {
    expect(safeUrl('https://demo.pantau.invalid/p/1')).toBe('https://demo.pantau.invalid/p/1');
    expect(safeUrl('http://example.org')).toBe('http://example.org/');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('JaVaScRiPt:alert(1)')).toBeUndefined();
    expect(safeUrl('data:text/html,<script>alert(1)</script>')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
    expect(safeUrl(undefined)).toBeUndefined();
  });
});

describe('pkceChallenge', () => {
  it('matches the S256 example of RFC 7636, appendix B', async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
});
