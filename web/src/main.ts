/**
 * The dashboard shell: config, sign-in, header and navigation, the hash router, the live region,
 * and the refresh loop that keeps the page current while an alert is open.
 */
import { findByRef, refFromPath } from './alert-ref.ts';
import { type ApiClient, ApiError, createApiClient } from './api.ts';
import {
  completeSignIn,
  currentSession,
  signOut,
  startCognitoSignIn,
  storeLocalToken,
} from './auth.ts';
import { clear, h } from './dom.ts';
import { dateTime } from './format.ts';
import { getLang, type Lang, setLang, t } from './i18n.ts';
import { renderAlert, renderAlerts } from './page-alerts.ts';
import { renderIssue } from './page-issue.ts';
import { renderOverview } from './page-overview.ts';
import { renderSubscribers } from './page-subscribers.ts';
import { parseRoute, type Route, routeHref } from './router.ts';
import type { DashboardConfig } from './types.ts';
import { errorText, type ViewContext } from './view.ts';

const LANG_KEY = 'pantau.lang';
const QUIET_REFRESH_MS = 120_000;

async function loadConfig(): Promise<DashboardConfig> {
  // Absolute: the app is also opened at /a/<REF> (SMS links), where a relative URL would miss.
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const config = (await res.json()) as DashboardConfig;
  return { ...config, apiUrl: (config.apiUrl ?? '').replace(/\/+$/, '') };
}

function initialLang(): Lang {
  const saved = localStorage.getItem(LANG_KEY);
  return saved === 'en' ? 'en' : 'id';
}

function start(root: HTMLElement, config: DashboardConfig): void {
  const api = createApiClient({
    baseUrl: config.apiUrl,
    token: () => currentSession(config)?.token,
    onUnauthorized: () => {
      signOut();
      showSignIn(root, config, t('sessionExpired'));
    },
  });
  const main = h('main', { id: 'main', tabindex: -1 });
  const live = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });
  const footer = h('p', { class: 'refresh-note muted small' });
  let cleanups: (() => void)[] = [];
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let openAlerts = 0;
  let lastRoute: Route | undefined;
  let firstChart = false;

  const ctx: ViewContext = {
    api,
    config,
    announce(message) {
      live.textContent = message;
    },
    rerender: () => void render(false),
    onCleanup: (fn) => cleanups.push(fn),
    contentWidth: () => Math.max(280, main.clientWidth - 32),
  };

  const header = () => {
    const route = parseRoute(location.hash);
    const navItem = (label: string, href: string, active: boolean, badge?: number) =>
      h(
        'li',
        {},
        h(
          'a',
          { href, 'aria-current': active ? 'page' : undefined },
          label,
          badge
            ? h('span', { class: 'nav-badge', 'aria-label': `(${badge})` }, String(badge))
            : null,
        ),
      );
    return h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, t('appName')),
      h(
        'nav',
        { 'aria-label': 'Pantau' },
        h(
          'ul',
          {},
          navItem(
            t('navOverview'),
            routeHref({ name: 'overview' }),
            route.name === 'overview' || route.name === 'issue',
          ),
          navItem(
            t('navAlerts'),
            routeHref({ name: 'alerts' }),
            route.name === 'alerts' || route.name === 'alert',
            openAlerts,
          ),
          navItem(
            t('navSubscribers'),
            routeHref({ name: 'subscribers' }),
            route.name === 'subscribers',
          ),
        ),
      ),
      h(
        'div',
        { class: 'top-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'link-button',
            lang: getLang() === 'id' ? 'en' : 'id',
            'aria-label': t('langToggleLabel'),
            onclick: () => {
              const next: Lang = getLang() === 'id' ? 'en' : 'id';
              localStorage.setItem(LANG_KEY, next);
              setLang(next);
              document.documentElement.lang = next;
              void render(false);
            },
          },
          t('langToggle'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'link-button',
            onclick: () => {
              signOut();
              showSignIn(root, config);
            },
          },
          t('signOut'),
        ),
      ),
    );
  };

  /**
   * Someone typing a note or choosing a label must not lose it to a refresh, nor an official
   * working through the review queue their place (the refresh would rebuild it and drop focus).
   */
  const busy = () => {
    const active = document.activeElement;
    if (active && ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName)) return true;
    if (active?.closest('.review-panel')) return true;
    return [...main.querySelectorAll('textarea, input')].some(
      (f) => (f as HTMLInputElement).value.trim() !== '',
    );
  };

  const schedule = () => {
    if (timer) clearTimeout(timer);
    const ms = openAlerts > 0 ? (config.refreshSeconds ?? 30) * 1000 : QUIET_REFRESH_MS;
    timer = setTimeout(() => {
      if (busy()) schedule();
      else void render(false);
    }, ms);
  };

  async function render(navigated: boolean): Promise<void> {
    const gen = ++generation;
    const route = parseRoute(location.hash);
    const sameRoute = lastRoute && JSON.stringify(lastRoute) === JSON.stringify(route);
    lastRoute = route;
    if (navigated && !sameRoute) {
      clear(main);
      main.append(h('p', { class: 'muted', 'aria-busy': 'true' }, t('loading')));
    }
    const scrollY = window.scrollY;
    try {
      const staged = h('div', {});
      const open = api.alerts('open').then(
        (a) => a.length,
        () => openAlerts,
      );
      // Pages render into the live main so uPlot can measure it; old content stays until data is in.
      const target = main;
      const previous = cleanups;
      cleanups = [];
      const view = renderRoute(ctx, staged, route);
      await view;
      if (gen !== generation) return;
      for (const c of previous) c();
      clear(target);
      target.append(...staged.childNodes);
      if (!firstChart && main.querySelector('.chart canvas')) {
        firstChart = true;
        // Read by the browser tests and the time-to-first-chart benchmark.
        performance.mark('pantau:first-chart');
      }
      openAlerts = await open;
      if (gen !== generation) return;
      root.querySelector('header')?.replaceWith(header());
      document.title = `${(main.querySelector('h1')?.textContent ?? '').trim()} · Pantau`;
      footer.textContent = `${t('refreshedAt', { time: dateTime(new Date().toISOString()) })}${openAlerts > 0 ? ` · ${t('autoRefreshOn')}` : ''}`;
      if (navigated && !sameRoute) (main.querySelector('h1') as HTMLElement | null)?.focus();
      else window.scrollTo(0, scrollY);
    } catch (err) {
      if (gen !== generation) return;
      if (err instanceof ApiError && err.status === 401) return;
      clear(main);
      main.append(
        h(
          'div',
          { class: 'banner banner-error', role: 'alert' },
          h(
            'p',
            {},
            err instanceof ApiError && err.status === 404 ? t('notFound') : errorText(err),
          ),
          h(
            'button',
            { type: 'button', class: 'button', onclick: () => void render(true) },
            t('retry'),
          ),
        ),
      );
    } finally {
      if (gen === generation) schedule();
    }
  }

  clear(root);
  root.append(
    h(
      'a',
      {
        class: 'skip-link',
        href: '#main',
        onclick: (ev: Event) => {
          ev.preventDefault();
          main.focus();
        },
      },
      t('skipToContent'),
    ),
    header(),
    main,
    footer,
    live,
  );
  window.addEventListener('hashchange', () => void render(true));
  void openAlertLink(api).then(() => render(true));
}

/**
 * SMS and email link to `/a/<REF>`, a short hash of the alert id: find that alert among the
 * tenant's and turn the address into `/#/alerts/<alertId>`, the dashboard's own route.
 */
async function openAlertLink(api: ApiClient): Promise<void> {
  const ref = refFromPath(location.pathname);
  if (!ref) return;
  let target = routeHref({ name: 'alerts' });
  try {
    const lists = await Promise.all([api.alerts('open'), api.alerts('acknowledged'), api.alerts()]);
    const id = await findByRef(
      ref,
      lists.flat().map((a) => a.id),
    );
    if (id) target = routeHref({ name: 'alert', alertId: id });
  } catch {
    // The inbox page reports the API error itself; the link still lands somewhere useful.
  }
  history.replaceState(null, '', `/${target}`);
}

function renderRoute(ctx: ViewContext, el: HTMLElement, route: Route): Promise<void> {
  switch (route.name) {
    case 'overview':
      return renderOverview(ctx, el);
    case 'issue':
      return renderIssue(ctx, el, route.issueId);
    case 'alerts':
      return renderAlerts(ctx, el);
    case 'alert':
      return renderAlert(ctx, el, route.alertId);
    case 'subscribers':
      return renderSubscribers(ctx, el, route.issueId);
    case 'not-found':
      el.append(
        h('h1', { tabindex: -1 }, t('notFound')),
        h('p', {}, h('a', { href: '#/' }, t('navOverview'))),
      );
      return Promise.resolve();
  }
}

function showSignIn(root: HTMLElement, config: DashboardConfig, message?: string): void {
  clear(root);
  const body =
    config.auth.mode === 'cognito'
      ? [
          h(
            'button',
            { type: 'button', class: 'button', onclick: () => void startCognitoSignIn(config) },
            t('signInCognito'),
          ),
        ]
      : [
          h('p', {}, t('signInLocal')),
          h(
            'form',
            {
              class: 'form-grid',
              onsubmit: (ev: Event) => {
                ev.preventDefault();
                const input = (ev.currentTarget as HTMLFormElement).elements.namedItem(
                  'token',
                ) as HTMLInputElement;
                if (!input.value.trim()) return;
                storeLocalToken(input.value);
                start(root, config);
              },
            },
            h(
              'div',
              { class: 'control' },
              h('label', { for: 'token' }, t('tokenLabel')),
              h('input', {
                id: 'token',
                name: 'token',
                type: 'password',
                autocomplete: 'off',
                required: true,
              }),
            ),
            h(
              'div',
              { class: 'buttons' },
              h('button', { type: 'submit', class: 'button' }, t('signIn')),
            ),
          ),
        ];
  root.append(
    h(
      'main',
      { id: 'main', class: 'sign-in' },
      h('h1', {}, t('signInTitle')),
      message ? h('p', { class: 'banner banner-error', role: 'alert' }, message) : null,
      body,
    ),
  );
}

async function boot(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) throw new Error('missing #app');
  setLang(initialLang());
  document.documentElement.lang = getLang();
  let config: DashboardConfig;
  try {
    config = await loadConfig();
  } catch (err) {
    clear(root);
    root.append(h('p', { class: 'banner banner-error', role: 'alert' }, errorText(err)));
    return;
  }
  try {
    await completeSignIn(config);
  } catch (err) {
    showSignIn(
      root,
      config,
      t('signInFailed', { message: err instanceof Error ? err.message : String(err) }),
    );
    return;
  }
  if (!currentSession(config)) {
    if (config.auth.mode === 'cognito' && !new URLSearchParams(location.search).has('error')) {
      await startCognitoSignIn(config);
      return;
    }
    showSignIn(root, config);
    return;
  }
  start(root, config);
}

void boot();
