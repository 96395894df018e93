/**
 * The dashboard's weight and speed: bundle size (raw and gzip) and the time from navigation to
 * the first drawn chart on the issue page, served by the local runtime with demo data, in
 * Debian's Chromium, on loopback and under an emulated slow phone connection.
 * Run: npm run bench dashboard
 */
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../../web/build.ts';
import { launchChromium } from '../browser/chromium.ts';
import { type DemoRuntime, startDemoRuntime } from '../helpers/demo-runtime.ts';

const TOKEN = `pt_${'dashboard-bench'.padEnd(43, '0')}`;
const RUNS = 5;

/** "Slow 3G"-like: 400 ms round trip, 400 kbit/s down, 400 kbit/s up. */
const SLOW = { latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Milliseconds from navigation start to the app's `pantau:first-chart` mark, in a cold context. */
async function firstChart(browser: Browser, url: string, network?: typeof SLOW): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    if (network) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...network });
    }
    // Sign in first (as the printed link does), then load the issue page cold.
    await page.goto(`${url}/?token=${TOKEN}`);
    await page.locator('.issue-list').waitFor({ timeout: 120_000 });
    await page.goto('about:blank');
    await page.goto(`${url}/#/issues/demo-1`);
    await page.locator('.chart canvas').first().waitFor({ timeout: 120_000 });
    const mark = (await page.evaluate(
      "performance.getEntriesByName('pantau:first-chart')[0]?.startTime ?? -1",
    )) as number;
    if (mark < 0) throw new Error('the page drew a chart but set no pantau:first-chart mark');
    return mark;
  } finally {
    await context.close();
  }
}

async function run(): Promise<Record<string, number | string>> {
  const built = await buildDashboard();
  const figures: Record<string, number | string> = {
    'bundle: total bytes': built.sizes.total.bytes,
    'bundle: total gzip bytes': built.sizes.total.gzip,
    'bundle: js gzip bytes': built.sizes.files[built.entry.script]?.gzip ?? -1,
    'bundle: css gzip bytes': built.sizes.files[built.entry.styles]?.gzip ?? -1,
  };

  let demo: DemoRuntime | undefined;
  const chromium = await launchChromium();
  try {
    demo = await startDemoRuntime(TOKEN, 'bench-dashboard');
    const { runtime } = demo;
    const loopback: number[] = [];
    for (let i = 0; i < RUNS; i++) loopback.push(await firstChart(chromium.browser, runtime.url));
    const slow: number[] = [];
    for (let i = 0; i < 3; i++) slow.push(await firstChart(chromium.browser, runtime.url, SLOW));
    figures['first chart, loopback: median ms'] = median(loopback);
    figures['first chart, loopback: max ms'] = Math.max(...loopback);
    figures['first chart, slow 3G (400 ms RTT, 400 kbit/s): median ms'] = median(slow);
    figures.runs = `${RUNS} loopback, 3 slow; cold browser context each`;
  } finally {
    await chromium.close();
    await demo?.dispose();
  }
  return figures;
}

export { run };
