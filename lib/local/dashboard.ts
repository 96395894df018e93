/**
 * Serves the officials' dashboard from the local runtime, next to the API on the same origin:
 * builds the bundle once at start, then answers `/`, `/index.html`, `/assets/*`, `/config.json`
 * and alert links `/a/<REF>` (the app itself) from memory. Everything else (`/v1/*`,
 * `/health`) falls through to the api function. Hashed assets are cached for a year; index.html and config.json are revalidated,
 * so a restart with a new build is picked up at the next load.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { buildDashboard } from '../../web/build.ts';
import type { Log } from '../runtime/log.ts';

/**
 * No inline script or style, nothing from another origin: mention texts are attacker-written,
 * and the page holds a bearer token. uPlot styles through the CSSOM, which style-src allows.
 */
const LOCAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': LOCAL_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** SMS and email link to `/a/<REF>`; the app resolves the reference to an alert. */
const ALERT_LINK = /^\/a\/[A-Za-z0-9]{1,32}\/?$/;
const REVALIDATE = 'no-cache';

interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  cache: string;
}

type DashboardFallback = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

function contentType(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

/** Only text compresses; below ~1 KB gzip saves nothing worth the header. */
function asset(path: string, bytes: Uint8Array, cache: string): Asset {
  const body = Buffer.from(bytes);
  const type = contentType(path);
  const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
  return { body, gzip: compressible ? gzipSync(body, { level: 9 }) : undefined, type, cache };
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name?.trim() !== 'gzip') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function send(req: IncomingMessage, res: ServerResponse, a: Asset): void {
  const useGzip = a.gzip !== undefined && acceptsGzip(req);
  const body = useGzip ? (a.gzip as Buffer) : a.body;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': a.type,
    'cache-control': a.cache,
    'content-length': String(body.length),
    vary: 'accept-encoding',
    ...(useGzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendText(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/**
 * Builds the dashboard (about a second) and returns the listener fallback that serves it.
 * `config` overrides what /config.json says; locally the API is the same origin and the demo
 * token signs in.
 */
async function createDashboardFallback(opts: {
  log: Log;
  config?: Record<string, unknown>;
}): Promise<DashboardFallback> {
  const started = Date.now();
  const built = await buildDashboard({ minify: true });
  const assets = new Map<string, Asset>();
  for (const [name, bytes] of Object.entries(built.files)) {
    assets.set(`/${name}`, asset(name, bytes, name.startsWith('assets/') ? IMMUTABLE : REVALIDATE));
  }
  const index = assets.get('/index.html');
  if (!index) throw new Error('dashboard build has no index.html');
  assets.set('/', index);
  const config = opts.config ?? { apiUrl: '', auth: { mode: 'token' }, stage: 'local' };
  assets.set('/config.json', {
    ...asset('config.json', new TextEncoder().encode(JSON.stringify(config)), 'no-store'),
  });
  opts.log.info('Dashboard built', {
    ms: Date.now() - started,
    gzipBytes: built.sizes.total.gzip,
  });

  return async (req, res, url) => {
    const path = url.pathname;
    const alertLink = ALERT_LINK.test(path);
    const ours =
      alertLink ||
      path === '/' ||
      path === '/index.html' ||
      path === '/config.json' ||
      path.startsWith('/assets/');
    if (!ours) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(req, res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
      return true;
    }
    const found = alertLink ? index : assets.get(path);
    if (!found) {
      sendText(req, res, 404, 'Not found');
      return true;
    }
    send(req, res, found);
    return true;
  };
}

export type { DashboardFallback };
export { createDashboardFallback, LOCAL_CSP, SECURITY_HEADERS };
