/** Node-side helpers of the dashboard browser tests (playwright-core pages). */
import type { Page } from 'playwright-core';

interface Doc {
  document: {
    getElementById(id: string): { textContent: string | null } | null;
    querySelectorAll(selector: string): Iterable<{ style: { contentVisibility: string } }>;
  };
}

/**
 * A full-page screenshot to `path` with every panel painted: the lower panels are
 * `content-visibility: auto`, which Chromium paints only near the viewport, so a plain
 * full-page shot at phone height shows them blank.
 */
export async function shoot(page: Page, path: string): Promise<void> {
  await page.evaluate(() => {
    for (const panel of (globalThis as unknown as Doc).document.querySelectorAll('.panel.lazy'))
      panel.style.contentVisibility = 'visible';
  });
  await page.screenshot({ path, fullPage: true });
}

/** Waits until the text of element `id` matches `pattern` (the page's default timeout bounds it). */
export async function textMatches(page: Page, id: string, pattern: RegExp): Promise<void> {
  await page.waitForFunction(
    ([id, source, flags]) =>
      new RegExp(source, flags).test(
        (globalThis as unknown as Doc).document.getElementById(id)?.textContent ?? '',
      ),
    [id, pattern.source, pattern.flags] as const,
  );
}
