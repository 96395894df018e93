/**
 * Hash routes, so the same static files work from S3/CloudFront and the local server without
 * rewrite rules, and an SMS link `/#/alerts/<alertId>` opens one alert directly.
 */

type Route =
  | { name: 'overview' }
  | { name: 'issue'; issueId: string }
  | { name: 'alerts' }
  | { name: 'alert'; alertId: string }
  | { name: 'subscribers'; issueId?: string }
  | { name: 'not-found'; path: string };

const SEGMENT = /^[A-Za-z0-9._~-]{1,128}$/;

function decodeSegment(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const value = decodeURIComponent(raw);
    return SEGMENT.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/[?].*$/, '');
  const parts = path.split('/').filter(Boolean);
  const [head, arg, ...rest] = parts;
  if (rest.length > 0) return { name: 'not-found', path };
  if (!head) return { name: 'overview' };
  if (head === 'issues') {
    const issueId = decodeSegment(arg);
    return issueId
      ? { name: 'issue', issueId }
      : arg
        ? { name: 'not-found', path }
        : { name: 'overview' };
  }
  if (head === 'alerts') {
    if (!arg) return { name: 'alerts' };
    const alertId = decodeSegment(arg);
    return alertId ? { name: 'alert', alertId } : { name: 'not-found', path };
  }
  if (head === 'subscribers') {
    if (!arg) return { name: 'subscribers' };
    const issueId = decodeSegment(arg);
    return issueId ? { name: 'subscribers', issueId } : { name: 'not-found', path };
  }
  return { name: 'not-found', path };
}

function routeHref(route: Route): string {
  switch (route.name) {
    case 'overview':
      return '#/';
    case 'issue':
      return `#/issues/${encodeURIComponent(route.issueId)}`;
    case 'alerts':
      return '#/alerts';
    case 'alert':
      return `#/alerts/${encodeURIComponent(route.alertId)}`;
    case 'subscribers':
      return route.issueId ? `#/subscribers/${encodeURIComponent(route.issueId)}` : '#/subscribers';
    case 'not-found':
      return `#${route.path}`;
  }
}

export type { Route };
export { parseRoute, routeHref };
