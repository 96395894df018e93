/**
 * node:http ↔ the API, for the local server, tests and benchmarks without the API Gateway
 * emulation. Reads at most 1 MiB of body (413 beyond, without buffering the rest), and hands
 * paths outside /v1 and /health to an optional fallback (e.g. a static dashboard).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PayloadTooLargeError } from '../domain/errors.ts';
import { MAX_BODY_BYTES } from './app.ts';
import { toErrorResponse } from './errors.ts';
import type { Api, ApiRequest, ApiResponse } from './types.ts';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

interface NodeListenerOptions {
  fallback?: Listener;
  maxBodyBytes?: number;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, out: ApiResponse, close = false): void {
  if (res.headersSent) return;
  const headers = close ? { ...out.headers, connection: 'close' } : out.headers;
  res.writeHead(out.status, headers);
  res.end(out.body);
}

function isApiPath(pathname: string): boolean {
  return pathname === '/health' || pathname === '/v1' || pathname.startsWith('/v1/');
}

function createNodeListener(api: Api, opts: NodeListenerOptions = {}): Listener {
  const limit = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  return (req, res) => {
    const requestId = randomUUID();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    if (opts.fallback && !isApiPath(path)) {
      opts.fallback(req, res);
      return;
    }
    const handle = async () => {
      let body: string;
      try {
        body = await readBody(req, limit);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          // The rest of the body is not read: close the connection instead of draining it.
          send(res, toErrorResponse(new PayloadTooLargeError(limit), requestId), true);
          return;
        }
        throw err;
      }
      const query: Record<string, string> = {};
      if (q !== -1) {
        for (const [k, v] of new URLSearchParams(rawUrl.slice(q + 1))) query[k] = v;
      }
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      const apiReq: ApiRequest = {
        method: req.method ?? 'GET',
        path,
        query,
        headers,
        body: body.length > 0 ? body : undefined,
        requestId,
        sourceIp: req.socket.remoteAddress,
      };
      send(res, await api(apiReq));
    };
    handle().catch((err: unknown) => {
      // A client that hangs up mid-body lands here; answer if the socket still listens.
      send(res, toErrorResponse(err, requestId));
    });
  };
}

export type { NodeListenerOptions };
export { createNodeListener };
