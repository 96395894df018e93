/** One mention as a list item: text, who, when, where, engagement, link, and a correction control. */
import { engagementOf } from './data.ts';
import { h } from './dom.ts';
import { num, relative } from './format.ts';
import { t } from './i18n.ts';
import type { Mention, SentimentLabel } from './types.ts';
import { safeUrl } from './url.ts';
import { errorText, SENTIMENT_KEY, type ViewContext } from './view.ts';

const LABELS: SentimentLabel[] = ['NEGATIVE', 'NEUTRAL', 'MIXED', 'POSITIVE'];
const MAX_TEXT = 280;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** What a post says and where it is from: shared by the mention lists and the review queue. */
function mentionContent(m: Mention): HTMLElement[] {
  const url = safeUrl(m.url);
  const author = m.author.handle ?? m.author.name;
  return [
    ...(m.title ? [h('p', { class: 'mention-title' }, clip(m.title))] : []),
    h('p', { class: 'mention-text' }, clip(m.text)),
    h(
      'p',
      { class: 'mention-meta' },
      author ? `${t('by', { author })} · ` : '',
      `${m.source} · ${relative(m.createdAt)} · ${t('engagement')} ${num(engagementOf(m.engagement))}`,
      url
        ? [
            ' · ',
            h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, t('openPost')),
          ]
        : null,
    ),
  ];
}

/**
 * `writable` false (a read-only token, see permissions.ts) shows the control disabled with the
 * reason instead of one that can only fail.
 */
function mentionItem(ctx: ViewContext, m: Mention, writable = true): HTMLElement {
  const label = m.sentiment?.label;
  const selectId = `sent-${m.id}`;
  const reasonId = `sent-ro-${m.id}`;
  const select = h(
    'select',
    {
      id: selectId,
      class: `sentiment-select${label ? ` s-${label.toLowerCase()}` : ''}`,
      disabled: !writable,
      'aria-describedby': writable ? undefined : reasonId,
      onchange: async (ev: Event) => {
        const target = ev.target as HTMLSelectElement;
        const next = target.value as SentimentLabel;
        target.disabled = true;
        try {
          await ctx.api.correct(m.id, next);
          ctx.announce(t('correctSaved', { label: t(SENTIMENT_KEY[next]) }));
          ctx.rerender();
        } catch (err) {
          target.disabled = false;
          if (label) target.value = label;
          ctx.announce(errorText(err));
        }
      },
    },
    label ? null : h('option', { value: '', selected: true, disabled: true }, t('unscored')),
    LABELS.map((l) => h('option', { value: l, selected: l === label }, t(SENTIMENT_KEY[l]))),
  );
  return h(
    'li',
    { class: 'mention' },
    mentionContent(m),
    h(
      'div',
      { class: 'mention-correct' },
      h('label', { for: selectId }, t('correctLabel')),
      select,
      writable ? null : h('span', { id: reasonId, class: 'muted' }, t('readOnlyShort')),
    ),
  );
}

export { clip, mentionContent, mentionItem };
