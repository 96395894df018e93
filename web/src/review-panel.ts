/**
 * Periksa sentimen: officials label model-scored mentions from one of two queues. The random
 * sample measures the model on this issue's own stream without the bias of corrections made where
 * a label looked wrong; the least-certain queue is what retraining learns most from. Each answer
 * is a correction with its queue as origin, and the quality line shows the measured agreement.
 */
import { ApiError } from './api.ts';
import { clear, h } from './dom.ts';
import { decimal, num, pct } from './format.ts';
import { t } from './i18n.ts';
import { mentionContent } from './mention-item.ts';
import { canWrite, markReadOnly } from './permissions.ts';
import type {
  CorrectionOrigin,
  Mention,
  ReviewMode,
  ReviewQueue,
  SentimentLabel,
  SentimentQuality,
} from './types.ts';
import { errorText, SENTIMENT_KEY, type ViewContext } from './view.ts';

/** Below this many sampled answers an accuracy figure says more about luck than the model. */
const MIN_SAMPLE = 30;
const PAGE = 10;
const BUTTON_ORDER: SentimentLabel[] = ['POSITIVE', 'NEUTRAL', 'NEGATIVE', 'MIXED'];
const ORIGIN: Record<ReviewMode, CorrectionOrigin> = {
  sample: 'review-sample',
  uncertain: 'review-uncertain',
};

/** The chosen queue survives the page's refreshes and moving between issues. */
const state: { mode: ReviewMode } = { mode: 'sample' };

function qualityText(q: SentimentQuality): string {
  const s = q.sample;
  if (s.n < MIN_SAMPLE || s.accuracy === null) {
    return t('reviewQualityLow', { n: num(s.n) });
  }
  return t('reviewQuality', {
    accuracy: pct(s.accuracy),
    n: num(s.n),
    f1: s.macroF1 === null ? '–' : decimal(s.macroF1, 2),
  });
}

/** The inline error of a failed answer, in the official's language where Pantau knows the cause. */
function saveError(err: unknown): string {
  if (err instanceof ApiError && err.status === 0) return t('errorNetwork');
  if (err instanceof ApiError && err.status === 403) return t('reviewReadOnly');
  return t('reviewSaveFailed', { message: err instanceof Error ? err.message : String(err) });
}

function topScore(m: Mention): number {
  const scores = m.sentiment?.scores;
  return scores ? Math.max(...Object.values(scores)) : 0;
}

function windowHours(queue: ReviewQueue): number {
  return Math.round((Date.parse(queue.to) - Date.parse(queue.from)) / 3_600_000);
}

/**
 * The panel as a section that fills itself in: the queue examines up to 2,000 mentions, so the
 * rest of the issue page does not wait for it.
 */
function reviewPanel(ctx: ViewContext, issueId: string): HTMLElement {
  const quality = h('p', { class: 'review-quality' });
  const status = h('p', { class: 'review-status muted', tabindex: -1 });
  const readOnlyNote = h('p', {
    id: `review-ro-${issueId}`,
    class: 'review-readonly',
    hidden: true,
  });
  const list = h('ul', { class: 'review-list' });
  const box = h('div', { class: 'review-body' }, status, list);
  let writable = true;
  let queue: ReviewQueue | undefined;
  let answered = 0;
  let loading = 0;

  const modeButton = (mode: ReviewMode, label: string) =>
    h(
      'button',
      {
        type: 'button',
        class: 'review-mode',
        'data-mode': mode,
        'aria-pressed': String(state.mode === mode),
        onclick: () => {
          if (state.mode === mode) return;
          state.mode = mode;
          for (const b of switcher.querySelectorAll('button')) {
            b.setAttribute('aria-pressed', String(b.getAttribute('data-mode') === mode));
          }
          void load();
        },
      },
      label,
    );
  const switcherLabel = h(
    'span',
    { id: `review-q-${issueId}`, class: 'review-switch-label' },
    t('reviewQueue'),
  );
  const switcher = h(
    'div',
    { class: 'review-switch', role: 'group', 'aria-labelledby': `review-q-${issueId}` },
    modeButton('sample', t('reviewModeSample')),
    modeButton('uncertain', t('reviewModeUncertain')),
  );

  const showStatus = () => {
    if (!queue) return;
    const left = Math.max(0, queue.remaining - answered);
    status.textContent =
      left === 0
        ? t('reviewAllDone')
        : t('reviewRemaining', { count: num(left), hours: num(windowHours(queue)) });
  };

  const refreshQuality = () =>
    ctx.api.sentimentQuality(issueId).then(
      (q) => {
        quality.textContent = qualityText(q);
      },
      (err: unknown) => {
        quality.textContent = errorText(err);
      },
    );

  const setReadOnly = () => {
    writable = false;
    readOnlyNote.textContent = t('reviewReadOnly');
    readOnlyNote.hidden = false;
    for (const b of list.querySelectorAll<HTMLButtonElement>('.review-answer')) {
      b.disabled = true;
      b.setAttribute('aria-describedby', readOnlyNote.id);
    }
  };

  /** After an item leaves: the next item, else the one before, else the status line. */
  const focusAfter = (next: Element | null, prev: Element | null) => {
    const target = (next ?? prev) as HTMLElement | null;
    if (target) target.focus();
    else status.focus();
  };

  function item(m: Mention, mode: ReviewMode): HTMLElement {
    const model = m.sentiment?.label;
    const error = h('p', { class: 'form-error', role: 'alert' });
    const groupLabelId = `review-l-${m.id}`;
    const buttons = BUTTON_ORDER.map((label) =>
      h(
        'button',
        {
          type: 'button',
          class: `review-answer button button-secondary${label === model ? ' review-model-label' : ''}`,
          'data-label': label,
          disabled: !writable,
          'aria-describedby': writable ? undefined : readOnlyNote.id,
          onclick: () => void answer(label),
        },
        label === model
          ? t('reviewConfirm', { label: t(SENTIMENT_KEY[label]) })
          : t(SENTIMENT_KEY[label]),
      ),
    );
    const li = h(
      'li',
      { class: 'mention review-item', tabindex: -1, 'data-mention-id': m.id },
      mentionContent(m),
      model
        ? h(
            'p',
            { class: 'review-model' },
            t('reviewModel', { label: t(SENTIMENT_KEY[model]), confidence: pct(topScore(m)) }),
          )
        : null,
      h('span', { id: groupLabelId, class: 'review-group-label' }, t('reviewYourLabel')),
      h(
        'div',
        { class: 'review-answers', role: 'group', 'aria-labelledby': groupLabelId },
        buttons,
      ),
      error,
    );

    async function answer(label: SentimentLabel): Promise<void> {
      for (const b of buttons) b.disabled = true;
      error.textContent = '';
      try {
        await ctx.api.correct(m.id, label, ORIGIN[mode]);
      } catch (err) {
        if (err instanceof ApiError && err.status === 403) {
          markReadOnly(ctx);
          setReadOnly();
        } else {
          for (const b of buttons) b.disabled = !writable;
        }
        error.textContent = saveError(err);
        return;
      }
      ctx.announce(
        label === model || !model
          ? t('reviewConfirmed', { label: t(SENTIMENT_KEY[label]) })
          : t('reviewCorrected', {
              label: t(SENTIMENT_KEY[label]),
              model: t(SENTIMENT_KEY[model]),
            }),
      );
      answered++;
      const next = li.nextElementSibling;
      const prev = li.previousElementSibling;
      li.remove();
      showStatus();
      void refreshQuality();
      if (list.children.length > 0) {
        focusAfter(next, prev);
      } else if (mode === state.mode) {
        await load();
        focusAfter(list.firstElementChild, null);
      }
    }

    return li;
  }

  async function load(): Promise<void> {
    const run = ++loading;
    const mode = state.mode;
    box.setAttribute('aria-busy', 'true');
    try {
      const next = await ctx.api.review(issueId, { mode, limit: PAGE });
      if (run !== loading) return;
      queue = next;
      answered = 0;
      clear(list);
      list.append(...next.items.map((m) => item(m, mode)));
      showStatus();
    } catch (err) {
      if (run !== loading) return;
      queue = undefined;
      clear(list);
      status.textContent = errorText(err);
    } finally {
      if (run === loading) box.removeAttribute('aria-busy');
    }
  }

  const section = h(
    'section',
    { class: 'panel review-panel', 'aria-labelledby': `review-title-${issueId}` },
    h('h2', { id: `review-title-${issueId}` }, t('reviewTitle')),
    h('p', { class: 'muted small' }, t('reviewWhy')),
    quality,
    h('div', { class: 'review-switch-row' }, switcherLabel, switcher),
    readOnlyNote,
    box,
  );

  status.textContent = t('loading');
  void refreshQuality();
  // The permission decides how the buttons are drawn, so the queue waits for it.
  void canWrite(ctx).then(
    (ok) => {
      if (!ok) setReadOnly();
      return load();
    },
    () => load(),
  );
  return section;
}

export { qualityText, reviewPanel };
