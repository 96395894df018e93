/**
 * CORS on the api function's own responses. API Gateway answers preflights, but with a Lambda
 * proxy integration it adds nothing to real responses, so a browser on the dashboard's origin
 * would be refused without this. Only listed origins are echoed; there is never a `*`.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * Response headers a cross-origin script may read besides the safelisted ones: the dashboard reads
 * Retry-After to say when to try again, and X-Request-Id for a support report. The WAF's rate
 * block answers with the same list (infra/constructs/agency-api.ts).
 */
const EXPOSED_HEADERS = 'Retry-After, X-Request-Id';

function headerValue(headers: Record<string, string | undefined> | null, name: string) {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function withCors(
  result: APIGatewayProxyResult,
  requestHeaders: Record<string, string | undefined> | null,
  allowedOrigins: readonly string[],
): APIGatewayProxyResult {
  const origin = headerValue(requestHeaders, 'origin');
  const vary = { ...result.headers, Vary: 'Origin' };
  if (!origin || !allowedOrigins.includes(origin)) return { ...result, headers: vary };
  return {
    ...result,
    headers: {
      ...vary,
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    },
  };
}

export { EXPOSED_HEADERS, withCors };
