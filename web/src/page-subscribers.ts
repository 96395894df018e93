/** Pelanggan: who receives SMS/email for which issue and from which level; add and remove. */
import { clear, h } from './dom.ts';
import { t } from './i18n.ts';
import { routeHref } from './router.ts';
import type { AlertLevel, Subscriber } from './types.ts';
import { errorText, levelBadge, type ViewContext } from './view.ts';

const LEVELS: AlertLevel[] = ['WASPADA', 'SIAGA', 'AWAS'];

async function renderSubscribers(
  ctx: ViewContext,
  el: HTMLElement,
  issueId?: string,
): Promise<void> {
  const issues = await ctx.api.issues();
  const chosen = issues.find((i) => i.id === issueId) ?? issues[0];
  const subs = chosen ? await ctx.api.subscribers(chosen.id) : [];

  clear(el);
  el.append(
    h('h1', { tabindex: -1 }, t('subscribersTitle')),
    h('p', { class: 'muted' }, t('subscribersHelp')),
  );
  if (!chosen) {
    el.append(h('p', {}, t('overviewEmpty')));
    return;
  }
  el.append(
    h(
      'div',
      { class: 'control' },
      h('label', { for: 'sub-issue' }, t('issueLabel')),
      h(
        'select',
        {
          id: 'sub-issue',
          onchange: (ev: Event) => {
            location.hash = routeHref({
              name: 'subscribers',
              issueId: (ev.target as HTMLSelectElement).value,
            });
          },
        },
        issues.map((i) => h('option', { value: i.id, selected: i.id === chosen.id }, i.name)),
      ),
    ),
  );
  el.append(
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, chosen.name),
      subs.length
        ? h(
            'ul',
            { class: 'sub-list' },
            subs.map((s) => subscriberRow(ctx, s, chosen.name)),
          )
        : h('p', { class: 'muted' }, t('subscribersEmpty')),
    ),
    addForm(ctx, chosen.id),
  );
}

/**
 * An email subscription confirmed by clicking AWS's link can be cancelled by anyone holding a
 * forwarded alert; pasting the link here confirms it with authenticated unsubscribe instead.
 */
function confirmForm(ctx: ViewContext, s: Subscriber): HTMLElement {
  const id = `confirm-${s.id}`;
  const input = h('input', {
    id,
    type: 'url',
    required: true,
    autocomplete: 'off',
    maxlength: 4096,
    placeholder: 'https://sns.…amazonaws.com/confirmation.html?…',
    'aria-describedby': `${id}-help`,
  });
  const error = h('p', { class: 'form-error', role: 'alert' });
  return h(
    'form',
    {
      class: 'sub-confirm',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        error.textContent = '';
        try {
          await ctx.api.confirmSubscriber(s.issueId, s.id, input.value.trim());
          ctx.announce(t('confirmed'));
          ctx.rerender();
        } catch (err) {
          error.textContent = errorText(err);
        }
      },
    },
    h('label', { for: id }, t('confirmLinkLabel', { address: s.address })),
    input,
    h('span', { id: `${id}-help`, class: 'muted small' }, t('confirmLinkHelp')),
    h('button', { type: 'submit', class: 'button button-small' }, t('confirmAction')),
    error,
  );
}

function subscriberRow(ctx: ViewContext, s: Subscriber, issueName: string): HTMLElement {
  return h(
    'li',
    { class: 'sub-row' },
    h('span', { class: 'sub-channel' }, t(s.channel)),
    h('span', { class: 'sub-address' }, s.address),
    s.confirmation === 'pending'
      ? h('span', { class: 'badge badge-pending' }, t('pendingConfirmation'))
      : undefined,
    h('span', {}, `${t('minLevel')} `, levelBadge(s.minLevel)),
    h('span', { class: 'muted' }, s.lang === 'id' ? t('langId') : t('langEn')),
    h(
      'button',
      {
        type: 'button',
        class: 'button button-small button-secondary',
        'aria-label': `${t('remove')} ${s.address}`,
        onclick: async (ev: Event) => {
          if (!confirm(t('removeConfirm', { address: s.address, issue: issueName }))) return;
          const button = ev.currentTarget as HTMLButtonElement;
          button.disabled = true;
          try {
            await ctx.api.removeSubscriber(s.issueId, s.id);
            ctx.announce(t('removed'));
            ctx.rerender();
          } catch (err) {
            button.disabled = false;
            ctx.announce(errorText(err));
          }
        },
      },
      t('remove'),
    ),
    s.confirmation === 'pending' ? confirmForm(ctx, s) : undefined,
  );
}

function addForm(ctx: ViewContext, issueId: string): HTMLElement {
  const channel = h(
    'select',
    { id: 'sub-channel', name: 'channel' },
    h('option', { value: 'sms' }, t('sms')),
    h('option', { value: 'email' }, t('email')),
  );
  const address = h('input', {
    id: 'sub-address',
    name: 'address',
    required: true,
    autocomplete: 'off',
    maxlength: 254,
    'aria-describedby': 'sub-address-help',
  });
  const minLevel = h(
    'select',
    { id: 'sub-level', name: 'minLevel' },
    LEVELS.map((l) => h('option', { value: l }, l)),
  );
  const lang = h(
    'select',
    { id: 'sub-lang', name: 'lang' },
    h('option', { value: 'id' }, t('langId')),
    h('option', { value: 'en' }, t('langEn')),
  );
  const error = h('p', { class: 'form-error', role: 'alert' });
  const syncType = () => {
    address.type = channel.value === 'email' ? 'email' : 'tel';
  };
  channel.addEventListener('change', syncType);
  syncType();
  const field = (id: string, label: string, input: HTMLElement, extra?: HTMLElement) =>
    h('div', { class: 'control' }, h('label', { for: id }, label), input, extra);
  return h(
    'form',
    {
      class: 'panel form-grid',
      'aria-labelledby': 'add-sub',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        error.textContent = '';
        try {
          await ctx.api.addSubscriber(issueId, {
            channel: channel.value as Subscriber['channel'],
            address: address.value.trim(),
            minLevel: minLevel.value as AlertLevel,
            lang: lang.value as Subscriber['lang'],
          });
          ctx.announce(t('added'));
          ctx.rerender();
        } catch (err) {
          error.textContent = errorText(err);
        }
      },
    },
    h('h2', { id: 'add-sub' }, t('addSubscriber')),
    field('sub-channel', t('channel'), channel),
    field(
      'sub-address',
      t('address'),
      address,
      h('span', { id: 'sub-address-help', class: 'muted small' }, t('addressHelpSms')),
    ),
    field('sub-level', t('minLevel'), minLevel),
    field('sub-lang', t('language'), lang),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', class: 'button' }, t('addSubscriber')),
    ),
    error,
  );
}

export { renderSubscribers };
