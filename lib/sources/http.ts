/**
 * The one HTTP client every source adapter uses. It owns what all public APIs have in common:
 * per-request timeouts, retries with capped exponential backoff and full jitter, rate-limit
 * headers (Retry-After and the reset headers of X, Bluesky, Mastodon), the collection deadline,
 * and body decoding by charset. It never logs: error messages carry the URL with credential
 * query parameters redacted, and request headers (which hold bearer tokens) are never echoed.
 */
import { SourceError, SourceRateLimitedError } from '../domain/errors.ts';
import type { SourceName } from '../domain/types.ts';

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  source: SourceName;
  signal?: AbortSignal;
  /** Epoch ms: the client never sleeps or waits past it. */
  deadline?: number;
  /**
   * True for a response that goes back to the caller as is, even a 429 or 5xx: e.g. X's 429
   * whose body says a usage cap is hit, which no retry can cure.
   */
  noRetry?: (res: HttpResponse) => boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The body decoded by its charset; invalid bytes become U+FFFD. */
  text: string;
  /** Final URL after redirects. */
  url: string;
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export interface HttpClientOptions {
  fetch?: typeof fetch;
  userAgent?: string;
  /** Retries after the first attempt (network errors, 5xx, 429). Default 3. */
  maxRetries?: number;
  /** Per-attempt timeout in ms. Default 15,000. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** First backoff step in ms. Default 500. */
  baseDelayMs?: number;
  /** Largest computed backoff in ms. Default 20,000. */
  maxDelayMs?: number;
  /**
   * Longest wait a server may impose through Retry-After or a reset header, even without a
   * deadline; a longer one is reported as SourceRateLimitedError. Default 60,000.
   */
  maxServerWaitMs?: number;
}

export const DEFAULT_USER_AGENT =
  'Pantau/0.1 (+https://github.com/pantau-id/pantau; public-issue monitoring for Indonesian government PR)';

/** Query parameters that carry credentials in some APIs (YouTube's `key`). */
const SECRET_PARAMS = new Set([
  'key',
  'api_key',
  'apikey',
  'access_token',
  'token',
  'password',
  'client_secret',
]);

/** The URL with credential-bearing query parameters replaced, safe for messages and logs. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid url>';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.has(name.toLowerCase())) parsed.searchParams.set(name, 'REDACTED');
  }
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
  }
  return parsed.toString();
}

/**
 * When the server says the client may try again, from Retry-After (seconds or HTTP-date) or a
 * reset header: `x-rate-limit-reset` (X, epoch seconds), `RateLimit-Reset` (Bluesky epoch
 * seconds; the IETF draft's delta seconds), `X-RateLimit-Reset` (Mastodon ISO time; Reddit delta
 * seconds). Undefined when no header says anything usable.
 */
export function retryAtFromHeaders(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return now + Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return date;
  }
  // Headers are case-insensitive, so `x-ratelimit-reset` covers Mastodon and Reddit alike.
  for (const name of ['x-rate-limit-reset', 'ratelimit-reset', 'x-ratelimit-reset']) {
    const value = headers.get(name)?.trim();
    if (!value) continue;
    const at = parseResetValue(value, now);
    if (at !== undefined) return at;
  }
  return undefined;
}

function parseResetValue(value: string, now: number): number | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    // Epoch seconds are > 1e9 for any date after 2001; smaller numbers are seconds from now.
    return n > 1e9 ? n * 1000 : now + n * 1000;
  }
  const date = Date.parse(value);
  return Number.isFinite(date) ? date : undefined;
}

/** The charset from a Content-Type header, lower-cased, or undefined. */
function charsetFromContentType(contentType: string | null): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase();
}

function charsetFromXmlDeclaration(bytes: Uint8Array): string | undefined {
  // The declaration is ASCII by definition, so reading the head as latin1 is safe.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 256));
  const match = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match?.[1]?.toLowerCase();
}

function charsetFromBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

function makeDecoder(label: string): InstanceType<typeof TextDecoder> | undefined {
  try {
    return new TextDecoder(label, { fatal: false });
  } catch {
    return undefined;
  }
}

/**
 * Decodes a body: a byte-order mark wins, then the Content-Type charset, then (for XML) the
 * `<?xml encoding=…?>` declaration, then UTF-8. Unknown labels fall back to UTF-8; invalid
 * bytes become U+FFFD. Never throws.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): string {
  const isXml = /xml|rss|atom/i.test(contentType ?? '');
  const looksXml = bytes[0] === 0x3c && bytes[1] === 0x3f; // '<?'
  const label =
    charsetFromBom(bytes) ??
    charsetFromContentType(contentType) ??
    (isXml || looksXml || !contentType ? charsetFromXmlDeclaration(bytes) : undefined) ??
    'utf-8';
  const decoder = makeDecoder(label) ?? new TextDecoder('utf-8', { fatal: false });
  return decoder.decode(bytes);
}

/** Parses a JSON body; a truncated or non-JSON body becomes a typed SourceError. */
export function parseJsonBody<T = unknown>(res: HttpResponse, source: SourceName): T {
  try {
    return JSON.parse(res.text) as T;
  } catch (error) {
    const head = res.text.slice(0, 80).replace(/\s+/g, ' ');
    throw new SourceError(
      source,
      'malformed_response',
      `${source} returned a body that is not JSON (HTTP ${res.status}, ${redactUrl(res.url)}): '${head}'`,
      { cause: error },
    );
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sleeps, but wakes early with the abort reason when the caller's signal fires. */
function sleepUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  const maxRetries = Math.max(0, opts.maxRetries ?? 3);
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 20_000;
  const maxServerWaitMs = opts.maxServerWaitMs ?? 60_000;

  function backoff(attempt: number): number {
    // Full jitter (AWS architecture blog): spreads retries of many collectors evenly.
    return Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
  }

  async function attemptOnce(req: HttpRequest): Promise<HttpResponse> {
    const started = now();
    let budget = timeoutMs;
    if (req.deadline !== undefined) budget = Math.min(budget, req.deadline - started);
    if (budget <= 0) {
      throw new SourceError(
        req.source,
        'deadline_exceeded',
        `${req.source}: no time left before the deadline for ${redactUrl(req.url)}`,
      );
    }
    const timeout = AbortSignal.timeout(budget);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'user-agent': userAgent, ...req.headers };
    const res = await doFetch(req.url, {
      method: req.method ?? 'GET',
      headers,
      body: req.body,
      signal,
      redirect: 'follow',
    });
    // Reading the body is part of the attempt: a connection cut mid-body is a network error.
    const bytes = new Uint8Array(await res.arrayBuffer());
    return {
      status: res.status,
      headers: res.headers,
      text: decodeBody(bytes, res.headers.get('content-type')),
      url: res.url || req.url,
    };
  }

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const where = redactUrl(req.url);
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) {
        throw new SourceError(req.source, 'aborted', `${req.source}: request aborted (${where})`, {
          cause: req.signal.reason,
        });
      }
      let res: HttpResponse | undefined;
      let failure: unknown;
      try {
        res = await attemptOnce(req);
      } catch (error) {
        if (error instanceof SourceError) throw error;
        if (req.signal?.aborted) {
          throw new SourceError(
            req.source,
            'aborted',
            `${req.source}: request aborted (${where})`,
            {
              cause: error,
            },
          );
        }
        failure = error;
      }

      if (res && (!isRetryableStatus(res.status) || req.noRetry?.(res))) return res;

      const t = now();
      const serverAt = res ? retryAtFromHeaders(res.headers, t) : undefined;
      const waitMs = serverAt !== undefined ? Math.max(0, serverAt - t) : backoff(attempt);
      const retryAt = t + waitMs;
      const rateLimited = res?.status === 429 || (res?.status === 503 && serverAt !== undefined);
      const pastDeadline = req.deadline !== undefined && retryAt >= req.deadline;
      const tooLong = serverAt !== undefined && waitMs > maxServerWaitMs;

      if (attempt >= maxRetries || pastDeadline || tooLong) {
        if (rateLimited) {
          throw new SourceRateLimitedError(req.source, new Date(retryAt), {
            cause: res ? new Error(`HTTP ${res.status} from ${where}`) : undefined,
          });
        }
        if (res) {
          throw new SourceError(
            req.source,
            'upstream_error',
            `${req.source} answered HTTP ${res.status} after ${attempt + 1} attempt(s) (${where})`,
          );
        }
        const timedOut = failure instanceof DOMException && failure.name === 'TimeoutError';
        throw new SourceError(
          req.source,
          timedOut ? 'timeout' : 'network_error',
          `${req.source}: ${timedOut ? 'timed out' : 'network error'} after ${attempt + 1} attempt(s) (${where})`,
          { cause: failure },
        );
      }
      try {
        await sleepUnlessAborted(sleep, waitMs, req.signal);
      } catch (error) {
        throw new SourceError(req.source, 'aborted', `${req.source}: request aborted (${where})`, {
          cause: error,
        });
      }
    }
  }

  return { request };
}
