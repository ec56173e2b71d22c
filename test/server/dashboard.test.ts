// The dashboard in headless Chromium (the system's, else the one inside @sparticuz/chromium):
// sign in, see the figures, charts and tables follow the load, click every action and check
// its effect on the pool, reload and find the history kept, and take screenshots at desktop
// and phone width (into the test output directory, not the repo). Samples are taken when the
// test moves the server's ManualClock, so what the page shows is decided by the test.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/index.js';
import type { Series, WorkpoolServer } from '../../src/server/index.js';
import { launchBrowser } from '../support/browser.js';
import { shoot as shootPage } from '../support/page.js';
import { Gates, get, post, start, until } from './helpers.js';
import { axisOverlaps, type Browserish, inputsWithoutLabel } from './page-checks.js';

const token = 'dashboard-token';
const auth = { headers: { authorization: `Bearer ${token}` } };
/** Where screenshots go: `DASHBOARD_SCREENSHOTS`, else a folder in the system's temp dir. */
const shots = process.env.DASHBOARD_SCREENSHOTS ?? join(tmpdir(), 'workpool-dashboard');

let server: WorkpoolServer;
let browser: Browser;
let gates: Gates;
const clock = new ManualClock();

before(async () => {
  gates = await Gates.open();
  server = await start({ threads: 2, maxQueue: 100, sampleInterval: 1000, token, clock });
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
  await gates?.close();
});

/** Takes one sample and waits until the page has drawn it. */
async function tick(page: Page): Promise<void> {
  const seen = await page.evaluate(() =>
    (globalThis as unknown as Browserish).workpoolDashboard.received(),
  );
  clock.advance(1000);
  await page.waitForFunction(
    (n) => (globalThis as unknown as Browserish).workpoolDashboard.received() > n,
    seen,
  );
}

const text = (page: Page, selector: string): Promise<string> =>
  page.$eval(selector, (el) => el.textContent ?? '');

async function shoot(page: Page, name: string): Promise<void> {
  await shootPage(page, join(shots, name));
}

async function signIn(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  page.setDefaultTimeout(120_000);
  // tsx (esbuild's keepNames) wraps named inner functions of the page checks in `__name()`.
  await page.addInitScript({ content: 'globalThis.__name = function (f) { return f; };' });
  await page.goto(`${server.url}/`);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.getAttribute('#token', 'type'), 'password');
  await page.fill('#token', token);
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
  await page.waitForFunction(
    () =>
      (globalThis as unknown as Browserish).document.getElementById('health')?.textContent ===
      'healthy',
  );
  return page;
}

/** Clicks a dashboard action and waits for its answer in the status line. */
async function click(page: Page, selector: string, label: string): Promise<string> {
  const before = await page.evaluate(
    () => (globalThis as unknown as Browserish).workpoolDashboard.actions.length,
  );
  await page.click(selector);
  await page.waitForFunction(
    (n) => (globalThis as unknown as Browserish).workpoolDashboard.actions.length > n,
    before,
  );
  const result = await text(page, '#action-result');
  assert.ok(result.startsWith(label), `${result} starts with ${label}`);
  return result;
}

test('the dashboard shows the pool live, and every action works from it', async () => {
  const page = await signIn(1400);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const cookies = await page.context().cookies();
  assert.ok(
    cookies.every((c) => !c.value.includes(token)),
    'the cookie does not hold the token',
  );
  assert.equal(await text(page, '#f-threads'), '2 / 2');
  assert.equal(await text(page, '#f-completed'), '0');
  assert.equal(await page.locator('.chart canvas').count(), 7);

  // Load: 40 hashes (two keys) and 3 failures.
  const answers = await Promise.all([
    ...Array.from({ length: 40 }, (_, i) =>
      post(
        server,
        'hash',
        { seed: i, rounds: 20_000 },
        {
          headers: { ...auth.headers, 'x-task-key': i % 4 === 0 ? 'globex' : 'acme' },
        },
      ),
    ),
    ...Array.from({ length: 3 }, (_, i) => post(server, 'fail', { message: `boom ${i}` }, auth)),
  ]);
  assert.equal(answers.filter((a) => a.status === 200).length, 40);
  await tick(page);
  assert.equal(await text(page, '#f-completed'), '40');
  assert.equal(await text(page, '#f-failed'), '3');
  const tasks = await page.$$eval('#tasks tbody tr', (rows) =>
    rows.map((r) => r.textContent ?? ''),
  );
  assert.ok(tasks.some((r) => r.startsWith('hash')) && tasks.some((r) => r.startsWith('fail')));
  const keys = await page.$$eval('#keys tbody td:first-child', (c) => c.map((x) => x.textContent));
  assert.deepEqual(keys, ['acme', 'globex']);
  assert.equal(await page.locator('#hosts tbody tr').count(), 1);
  // The failure list loads while it is on screen.
  await page.locator('#failures').scrollIntoViewIfNeeded();
  await page.waitForFunction(
    () =>
      (globalThis as unknown as Browserish).document.querySelectorAll('#failures tbody tr')
        .length === 3,
  );

  // Two idle samples: throughput 0, latency gaps (null), drawn as gaps.
  await tick(page);
  await tick(page);
  const latency = await page.evaluate(() => {
    const u = (globalThis as unknown as Browserish).workpoolDashboard.charts['c-latency'];
    return {
      last: u?.data[2]?.at(-1),
      any: u?.data[2]?.some((v) => typeof v === 'number'),
      spans: u?.series.slice(1).map((s) => s.spanGaps),
    };
  });
  assert.equal(latency.last, null);
  assert.equal(latency.any, true);
  assert.deepEqual(latency.spans, [false, false, false]);
  // A stretch with no sample at all becomes a null point too.
  const gap = await page.evaluate(() =>
    (globalThis as unknown as Browserish).workpoolDashboard.columns(
      [
        { t: 1000, span: 1000, v: 1 },
        { t: 2000, span: 1000, v: 2 },
        { t: 9000, span: 1000, v: 3 },
      ],
      1,
      (p: { v: number }) => [p.v],
    ),
  );
  assert.deepEqual(gap[1], [1, 2, null, 3]);
  assert.deepEqual(await page.evaluate(axisOverlaps), []);
  assert.deepEqual(await page.evaluate(inputsWithoutLabel), []);

  // Pause: a task submitted now waits; cancel it from the list of tasks in flight.
  await click(page, '#a-pause', 'Pause: done');
  assert.equal(server.pool.paused, true);
  const waiting = post(server, 'add', { a: 1, b: 2 }, auth);
  await until(() => server.pool.stats().queued === 1);
  await page.click('#inflight-panel summary');
  await page.waitForSelector('#inflight button[data-cancel]');
  assert.match(await text(page, '#inflight tbody'), /add.*waiting/);
  await click(page, '#inflight button[data-cancel]', 'Cancel task');
  assert.equal((await waiting).status, 503);
  assert.equal(server.pool.stats().queued, 0);
  await tick(page);
  assert.equal(await text(page, '#mode'), 'paused');
  await click(page, '#a-resume', 'Resume: done');
  assert.equal(server.pool.paused, false);

  // Cancel a running task: its handler sees its signal abort.
  const running = post(server, 'gate', { port: gates.port }, auth);
  const gate = await gates.next();
  await tick(page);
  await page.waitForSelector('#inflight button[data-cancel]');
  await click(page, '#inflight button[data-cancel]', 'Cancel task');
  await gate.closed;
  assert.equal((await running).status, 503);

  // Resize, and a bad size refused with the server's reason.
  await page.fill('#threads-input', '3');
  await click(page, '#a-resize', 'Resize to 3: done');
  assert.equal(server.pool.stats().concurrency.max, 3);
  await page.fill('#threads-input', '0');
  assert.match(
    await click(page, '#a-resize', 'Resize to 0: refused'),
    /400 ERR_BAD_ACTION.*`threads`/,
  );
  await page.fill('#threads-input', '2');
  await click(page, '#a-resize', 'Resize to 2: done');
  assert.equal(server.pool.stats().concurrency.max, 2);

  // Drain: new tasks are refused until resumed.
  await click(page, '#a-drain', 'Drain: done');
  const refused = await post(server, 'add', { a: 1, b: 1 }, auth);
  assert.equal(refused.status, 503);
  assert.equal((refused.body as { error: { code: string } }).error.code, 'ERR_DRAINING');
  await tick(page);
  assert.equal(await text(page, '#mode'), 'drained');
  await click(page, '#a-resume', 'Resume: done');
  assert.equal((await post(server, 'add', { a: 1, b: 1 }, auth)).body, 2);

  // Retry a failure from the list: it runs again (and fails again, listed as a new task).
  const failedBefore = server.pool.stats().byName.fail?.failed ?? 0;
  await page.selectOption('#filter-outcome', 'failed');
  await page.waitForFunction(() =>
    [
      ...(globalThis as unknown as Browserish).document.querySelectorAll(
        '#failures tbody tr td:nth-child(5)',
      ),
    ].every((td) => td.textContent === 'failed'),
  );
  await click(page, '#failures button[data-retry]', 'Retry task');
  await until(() => (server.pool.stats().byName.fail?.failed ?? 0) === failedBefore + 1);
  await tick(page);
  await page.waitForFunction(
    () =>
      (globalThis as unknown as Browserish).document.querySelectorAll('#failures tbody tr')
        .length === 4,
  );
  assert.match(await text(page, '#failures tbody'), /retried as \d+/);
  // The stack, on request.
  await page.click('#failures button[data-stack]');
  await page.waitForSelector('pre.stack');
  assert.match(await text(page, 'pre.stack'), /RangeError: boom/);
  await page.selectOption('#filter-outcome', 'cancelled');
  await page.waitForFunction(
    () =>
      (globalThis as unknown as Browserish).document.querySelectorAll('#failures tbody tr')
        .length === 2,
  );

  await shoot(page, 'dashboard-1400.png');

  // A reload gets the kept history back from the server.
  const kept = ((await get(server, '/api/history', auth.headers)).body as Series).fine.length;
  await page.reload();
  await page.waitForFunction(
    () =>
      (globalThis as unknown as Browserish).document.getElementById('health')?.textContent ===
      'healthy',
  );
  const drawn = await page.evaluate(
    () => (globalThis as unknown as Browserish).workpoolDashboard.charts['c-load']?.data[0]?.length,
  );
  assert.ok(kept >= 8 && drawn === kept, `${drawn} points drawn of ${kept} kept`);
  assert.equal(await text(page, '#f-completed'), '41');
  assert.deepEqual(errors, []);
  await page.close();
});

test('at phone width nothing scrolls sideways and labels do not overlap', async () => {
  const page = await signIn(390);
  await tick(page);
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: (globalThis as unknown as Browserish).document.documentElement.scrollWidth,
    inner: (globalThis as unknown as Browserish).innerWidth,
  }));
  assert.ok(scroll <= inner, `page is ${scroll} px wide in a ${inner} px viewport`);
  assert.deepEqual(await page.evaluate(axisOverlaps), []);
  await shoot(page, 'dashboard-390.png');
  await page.close();
});
