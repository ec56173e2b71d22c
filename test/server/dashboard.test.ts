// The dashboard in headless Chromium (the system's, else the one inside @sparticuz/chromium):
// open it, apply load, and see the figures, the charts and the per-task table move.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { WorkpoolServer } from '../../src/server/index.js';
import { launchBrowser } from '../support/browser.js';
import { post, start } from './helpers.js';

/** The little of the browser's globals these page functions touch (tsconfig has no DOM lib). */
interface Browserish {
  document: {
    getElementById(id: string): { textContent: string | null } | null;
    querySelector(selector: string): { textContent: string | null } | null;
  };
  workpoolDashboard: {
    charts: Record<string, { data: (number | null)[][]; series: { label?: string }[] }>;
  };
}

let server: WorkpoolServer;
let browser: Browser;

before(async () => {
  server = await start({
    threads: 2,
    maxQueue: 1000,
    sampleInterval: 100,
    token: 'dashboard-token',
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const figure = (page: Page, id: string): Promise<number> =>
  page.$eval(`#${id}`, (el) => Number((el.textContent ?? '').replace(/,/g, '')));

/** Points of chart `id`'s series `i` that are numbers above zero. */
const positive = (page: Page, id: string, i: number): Promise<number> =>
  page.evaluate(
    ([chart, series]) => {
      const w = globalThis as unknown as Browserish;
      const data = w.workpoolDashboard.charts[chart]?.data[series] ?? [];
      return data.filter((v) => typeof v === 'number' && v > 0).length;
    },
    [id, i] as const,
  );

test('the dashboard shows live figures, charts and per-task rows that follow the load', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Signs in through the login form, as a person would.
  await page.goto(`${server.url}/`);
  await page.fill('#token', 'dashboard-token');
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
  await page.waitForFunction(
    () =>
      (globalThis as unknown as Browserish).document.getElementById('health')?.textContent ===
      'healthy',
  );
  assert.equal(await page.$eval('#f-threads', (el) => el.textContent), '2 / 2');
  assert.equal(await figure(page, 'f-completed'), 0);
  assert.equal(await positive(page, 'c-throughput', 1), 0);
  // uPlot drew its canvases.
  assert.equal(await page.locator('.chart canvas').count(), 5);

  const auth = { headers: { authorization: 'Bearer dashboard-token' } };
  const answers = await Promise.all(
    Array.from({ length: 300 }, (_, i) => post(server, 'hash', { seed: i, rounds: 20_000 }, auth)),
  );
  assert.ok(answers.every((a) => a.status === 200));
  await post(server, 'fail', { message: 'shown as an error' }, auth);

  await page.waitForFunction(
    () =>
      Number(
        (globalThis as unknown as Browserish).document
          .getElementById('f-completed')
          ?.textContent?.replace(/,/g, ''),
      ) >= 300,
  );
  await page.waitForFunction(() => {
    const text =
      (globalThis as unknown as Browserish).document.querySelector('#tasks tbody')?.textContent ??
      '';
    return text.includes('hash') && text.includes('fail');
  });
  assert.ok((await positive(page, 'c-throughput', 1)) > 0, 'throughput chart has points above 0');
  assert.ok((await positive(page, 'c-latency', 3)) > 0, 'p99 chart has points above 0');
  // Per-task series are sorted by name: fail, hash.
  assert.ok((await positive(page, 'c-tasks', 2)) > 0, 'per-task chart has the hash series');
  const row = await page.$$eval('#tasks tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
  assert.ok(row.some((r) => r.startsWith('hash')));
  assert.ok(row.some((r) => r.startsWith('fail')));
  const series = await page.evaluate(() =>
    (globalThis as unknown as Browserish).workpoolDashboard.charts['c-tasks']?.series.map(
      (s) => s.label,
    ),
  );
  assert.deepEqual(series?.slice(1), ['fail', 'hash']);
  if (process.env.DASHBOARD_SCREENSHOT !== undefined) {
    await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
  }
  assert.deepEqual(errors, []);
  await page.close();
});
