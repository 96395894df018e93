import { describe, expect, it } from 'vitest';
import { parseRoute, type Route, routeHref } from '../../../web/src/router.ts';

describe('parseRoute', () => {
  it('opens an alert straight from the SMS/email link shape', () => {
    expect(parseRoute('#/alerts/ZGVtby0xCkFMRVJU')).toEqual({
      name: 'alert',
      alertId: 'ZGVtby0xCkFMRVJU',
    });
  });

  it('maps every page and falls back to the overview for an empty hash', () => {
    expect(parseRoute('')).toEqual({ name: 'overview' });
    expect(parseRoute('#/')).toEqual({ name: 'overview' });
    expect(parseRoute('#/issues/demo-1')).toEqual({ name: 'issue', issueId: 'demo-1' });
    expect(parseRoute('#/alerts')).toEqual({ name: 'alerts' });
    expect(parseRoute('#/subscribers')).toEqual({ name: 'subscribers' });
    expect(parseRoute('#/subscribers/demo-2')).toEqual({ name: 'subscribers', issueId: 'demo-2' });
  });

  it('refuses ids with characters no Pantau id has, and unknown paths', () => {
    expect(parseRoute('#/issues/%3Cscript%3E').name).toBe('not-found');
    expect(parseRoute('#/alerts/%E0%A4%A').name).toBe('not-found');
    expect(parseRoute('#/alerts/a/b').name).toBe('not-found');
    expect(parseRoute('#/admin').name).toBe('not-found');
  });

  it('round-trips every route through routeHref', () => {
    const routes: Route[] = [
      { name: 'overview' },
      { name: 'issue', issueId: 'demo-1' },
      { name: 'alerts' },
      { name: 'alert', alertId: 'abc_DEF-1' },
      { name: 'subscribers' },
      { name: 'subscribers', issueId: 'x' },
    ];
    for (const r of routes) expect(parseRoute(routeHref(r))).toEqual(r);
  });
});
