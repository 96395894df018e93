/**
 * The local stand-in for API Gateway's REST API with a Lambda proxy integration: turns an HTTP
 * request into the proxy event the api function receives in AWS, and its result back into a
 * response. Like API Gateway it caps the payload (10 MB) and never lets a crashed function leak
 * a stack trace: the client gets a 502 JSON error.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { errorMessage } from '../domain/errors.ts';
import type { Log } from '../runtime/log.ts';
import { createLambdaContext } from './lambda-context.ts';

export type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

function sendJson(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message } }));
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toProxyEvent(req: IncomingMessage, url: URL, body: Buffer): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    headers[k] = values.join(',');
    multiValueHeaders[k] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    multiQuery[k] = [...(multiQuery[k] ?? []), v];
  }
  const isText = body.length === 0 || /json|text|xml|form/.test(headers['content-type'] ?? 'json');
  const requestId = randomUUID();
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
    pathParameters: { proxy: url.pathname.replace(/^\//, '') },
    stageVariables: null,
    body: body.length === 0 ? null : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: req.method ?? 'GET',
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' } as never,
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
    },
  };
}

/** A node:http listener that invokes the api handler for every request it does not serve itself. */
function createApiGatewayListener(opts: {
  handler: ProxyHandler;
  log: Log;
  /** Serves non-API paths (the dashboard); returns false to fall through to the api function. */
  fallback?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}) {
  return (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      try {
        if (opts.fallback && (await opts.fallback(req, res, url))) return;
        const body = await readBody(req);
        if (!body) {
          sendJson(res, 413, 'payload_too_large', 'Request body exceeds 10 MB');
          return;
        }
        const result = await opts.handler(
          toProxyEvent(req, url, body),
          createLambdaContext('api', 29_000),
        );
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
        for (const [k, v] of Object.entries(result.multiValueHeaders ?? {}))
          headers[k] = v.map(String);
        res.writeHead(result.statusCode, headers);
        res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
      } catch (err) {
        opts.log.error('api function failed', { path: url.pathname, error: errorMessage(err) });
        if (!res.headersSent) sendJson(res, 502, 'bad_gateway', 'Internal server error');
        else res.end();
      }
    })();
  };
}

export { createApiGatewayListener, toProxyEvent };
