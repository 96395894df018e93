/**
 * Charts: uPlot for the zoomable time series (small, canvas, fast on phones) and hand-made SVG
 * for sparklines and alert trends, which need no interaction and would cost a uPlot each.
 */
import uPlot from 'uplot';
import type { Point } from './data.ts';
import { netSentiment, stackSeries } from './data.ts';
import { t } from './i18n.ts';

/** Colours pass WCAG AA against white as lines; sentiment is also named in the legend. */
const COLORS = {
  negative: '#c62828',
  mixed: '#8e5a00',
  neutral: '#607080',
  positive: '#2e7d32',
} as const;

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

interface StackedChart {
  el: HTMLElement;
  destroy(): void;
}

/**
 * Mentions over time, stacked by sentiment with negative at the bottom. Each cumulative band is
 * filled to zero and drawn from the top down, so each colour shows exactly its own share, while
 * the legend and tooltip show the raw counts.
 */
function stackedChart(
  container: HTMLElement,
  series: Point[],
  opts: { height?: number; width?: number } = {},
): StackedChart {
  const data = stackSeries(series);
  const raw = {
    negative: series.map((p) => p.negative),
    mixed: series.map((p) => p.mixed),
    neutral: series.map((p) => p.neutral),
    positive: series.map((p) => p.positive),
  };
  const width = Math.max(280, opts.width ?? container.clientWidth ?? 320);
  const band = (key: keyof typeof COLORS) => ({
    label: t(key),
    stroke: COLORS[key],
    fill: `${COLORS[key]}cc`,
    width: 1,
    points: { show: false },
    value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) =>
      idx === null ? '–' : String(raw[key][idx] ?? 0),
  });
  // uPlot draws series in order; the topmost cumulative band goes first so lower ones paint over it.
  const plot = new uPlot(
    {
      width,
      height: opts.height ?? 240,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { size: 40 }],
      series: [
        { label: t('time') },
        band('positive'),
        band('neutral'),
        band('mixed'),
        band('negative'),
      ],
      legend: { live: true },
    },
    [data[0], data[4], data[3], data[2], data[1]],
    container,
  );
  const onResize = () =>
    plot.setSize({ width: Math.max(280, container.clientWidth), height: plot.height });
  window.addEventListener('resize', onResize);
  return {
    el: plot.root,
    destroy() {
      window.removeEventListener('resize', onResize);
      plot.destroy();
    },
  };
}

/** Net sentiment (-1..1) as a line around a zero baseline; gaps where nothing was scored. */
function sparkline(series: Point[], label: string): SVGSVGElement {
  const w = 120;
  const h = 32;
  const values = netSentiment(series);
  const el = svg('svg', {
    viewBox: `0 0 ${w} ${h}`,
    width: w,
    height: h,
    role: 'img',
    class: 'spark',
  });
  const title = svg('title', {});
  title.textContent = label;
  el.appendChild(title);
  el.appendChild(svg('line', { x1: 0, x2: w, y1: h / 2, y2: h / 2, class: 'spark-zero' }));
  const step = values.length > 1 ? w / (values.length - 1) : w;
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (h / 2 - (v * (h - 4)) / 2).toFixed(1);
    d += `${pen ? 'L' : 'M'}${x} ${y}`;
    pen = true;
  });
  if (d) el.appendChild(svg('path', { d, class: 'spark-line' }));
  return el;
}

/** Negative mentions per window before the alert, with the baseline drawn across. */
function trendBars(trend: number[], baseline: number, label: string): SVGSVGElement {
  const w = 300;
  const h = 90;
  const max = Math.max(1, baseline, ...trend);
  const el = svg('svg', {
    viewBox: `0 0 ${w} ${h}`,
    role: 'img',
    class: 'trend',
    preserveAspectRatio: 'none',
  });
  const title = svg('title', {});
  title.textContent = label;
  el.appendChild(title);
  const bw = trend.length ? w / trend.length : w;
  trend.forEach((v, i) => {
    const bh = (v / max) * (h - 4);
    el.appendChild(
      svg('rect', {
        x: (i * bw + 1).toFixed(1),
        y: (h - bh).toFixed(1),
        width: Math.max(1, bw - 2).toFixed(1),
        height: bh.toFixed(1),
        class: i === trend.length - 1 ? 'trend-now' : 'trend-bar',
      }),
    );
  });
  const by = (h - (baseline / max) * (h - 4)).toFixed(1);
  el.appendChild(svg('line', { x1: 0, x2: w, y1: by, y2: by, class: 'trend-baseline' }));
  return el;
}

export type { StackedChart };
export { COLORS, sparkline, stackedChart, trendBars };
