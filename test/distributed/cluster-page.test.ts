/**
 * The cluster dashboard (`serve({ cluster })`) in headless Chromium over real parts (a
 * redis-server, two worker processes): the page renders both hosts as rows, and clicking
 * its actions acts on the cluster (retry a failed job, pause and resume the queue, cancel
 * a CPU-bound job running in another process); screenshots at desktop and phone width go
 * to the test output directory (`DASHBOARD_SCREENSHOTS`, else the system's temp dir), not
 * the repo. Waits are on the page's state or Redis's, bounded, never sleeps.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TaskCancelledError } from '../../src/index.js';
import type { Browserish } from '../server/page-checks.js';
import { launchBrowser } from '../support/browser.js';
import { shoot, textMatches } from '../support/page.js';
import { until } from './helpers.js';
import { useServedCluster } from './served.js';

const shots = process.env.DASHBOARD_SCREENSHOTS ?? join(tmpdir(), 'workpool-dashboard');
const c = useServedCluster('cluster-page', { sampleInterval: 100 });
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
});

async function open(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  page.setDefaultTimeout(60_000);
  await page.addInitScript({ content: 'globalThis.__name = function (f) { return f; };' });
  await page.goto(`${c.server.url}/`);
  // Both hosts render as live rows.
  await page.waitForFunction(
    () =>
      (globalThis as unknown as Browserish).document.querySelectorAll(
        '#hosts tbody [data-host-status="live"]',
      ).length === 2,
  );
  return page;
}

test('the cluster page: host rows, and its actions act on the cluster', async () => {
  await Promise.all(Array.from({ length: 5 }, (_, i) => c.pool.run('add', { a: i, b: 1 })));
  const failed = await c.pool.submit('flaky', { dir: c.dir, failures: 1 });
  await assert.rejects(failed.result, /attempt 1 fails/);

  const page = await open(1280);
  const cells = await page.$$eval('#hosts tbody td', (tds) => tds.map((td) => td.textContent));
  for (const w of c.workers) assert.ok(cells.includes(String(w.pid)), `a row for pid ${w.pid}`);
  assert.equal(await page.$('#a-drain'), null, 'no drain on a cluster');
  assert.equal(await page.$('#a-resize'), null, 'no resize on a cluster');

  // Retry the failed job from the task list: it runs again and completes.
  // The list loads while it is on screen.
  await page.locator('#failures-panel').scrollIntoViewIfNeeded();
  const retry = `button[data-retry="${failed.id}"]`;
  await page.waitForSelector(retry);
  await page.click(retry);
  await textMatches(page, 'action-result', /Retry task .*: done/);
  await until(
    'the retried job completes',
    async () => (await c.bull.getJobState(failed.id)) === 'completed',
  );

  // Pause: the queue is paused (the page's mode says so); resume: running again.
  await page.click('#a-pause');
  await textMatches(page, 'mode', /^paused$/);
  assert.equal(await c.bull.isPaused(), true);
  await page.click('#a-resume');
  await textMatches(page, 'mode', /^running$/);
  assert.equal(await c.bull.isPaused(), false);

  // Cancel a CPU-bound job running on a worker process, from the in-flight list.
  const task = await c.pool.submit('forever');
  await until('the job runs', async () => (await c.bull.getJobState(task.id)) === 'active');
  await page.click('#inflight-panel summary');
  const cancel = `button[data-cancel="${task.id}"]`;
  await page.waitForSelector(cancel);
  await shoot(page, join(shots, 'cluster-desktop-1280.png'));
  await page.click(cancel);
  await assert.rejects(task.result, TaskCancelledError);
  await textMatches(page, 'action-result', /Cancel task .*: done \(signalled\)/);
  await page.close();

  const phone = await open(390);
  const overflow = await phone.evaluate(() => {
    const doc = (globalThis as unknown as Browserish).document as unknown as {
      documentElement: { scrollWidth: number; clientWidth: number };
    };
    return doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
  });
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 390 px`);
  await shoot(phone, join(shots, 'cluster-phone-390.png'));
  await phone.close();
});
