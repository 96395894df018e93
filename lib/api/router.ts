/**
 * Matches a request path against the route table segment by segment. Segments are
 * percent-decoded one at a time, so an encoded '/' (%2F) stays inside its segment and then
 * fails the parameter's schema instead of reaching another route.
 */
import type { Route } from './route.ts';

export type RouteMatch =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'method'; allow: string[] }
  | { kind: 'none' };

const PARAM = /^\{(\w+)\}$/;

function splitPath(path: string): string[] | undefined {
  if (!path.startsWith('/') || path.length > 4_096) return undefined;
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const out: string[] = [];
  for (const raw of trimmed.split('/').slice(1)) {
    try {
      out.push(decodeURIComponent(raw));
    } catch {
      return undefined;
    }
  }
  return out;
}

function matchSegments(route: Route, segments: string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const pattern = route.segments[i] as string;
    const value = segments[i] as string;
    const param = PARAM.exec(pattern);
    if (param?.[1]) {
      if (value.length === 0) return undefined;
      params[param[1]] = value;
    } else if (pattern !== value) {
      return undefined;
    }
  }
  return params;
}

function createRouter(routes: readonly Route[]) {
  return {
    match(method: string, path: string): RouteMatch {
      const segments = splitPath(path);
      if (!segments) return { kind: 'none' };
      const allow: string[] = [];
      // Literal segments win over parameters: routes are tried most specific first.
      for (const route of routes) {
        const params = matchSegments(route, segments);
        if (!params) continue;
        if (route.method === method) return { kind: 'route', route, params };
        allow.push(route.method);
      }
      return allow.length ? { kind: 'method', allow: [...new Set(allow)] } : { kind: 'none' };
    },
  };
}

/** Orders routes so that a literal segment is tried before a parameter at the same position. */
function bySpecificity(a: Route, b: Route): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const pa = PARAM.test(a.segments[i] ?? '') ? 1 : 0;
    const pb = PARAM.test(b.segments[i] ?? '') ? 1 : 0;
    if (pa !== pb) return pa - pb;
  }
  return 0;
}

export { bySpecificity, createRouter, splitPath };
