/**
 * One headless Chromium for browser tests, found without anything outside npm: the system's
 * (`CHROMIUM_PATH`, else /usr/bin/chromium when it exists), else the one that ships inside
 * the `@sparticuz/chromium` devDependency (unpacked to the temp folder on first use; works
 * offline). `CHROMIUM_PATH=@sparticuz/chromium` picks the packaged one even where a system
 * one exists. Driven by playwright-core either way.
 *
 * The browser gets a real locale (`--lang=en-US`, `LANG=en_US.UTF-8`): under `LANG=C.UTF-8`
 * Chromium reports no usable locale and the dashboard's chart library fails to load.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const systemChromium = '/usr/bin/chromium';

/** The Chromium binary to launch, and where it came from. */
export async function findChromium(): Promise<{ path: string; from: string }> {
  const given = process.env.CHROMIUM_PATH;
  if (given === packagedName) return packaged();
  if (given !== undefined && given !== '') {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist`);
    return { path: given, from: 'CHROMIUM_PATH' };
  }
  if (existsSync(systemChromium)) return { path: systemChromium, from: 'system' };
  return packaged();
}

const packagedName = '@sparticuz/chromium';

async function packaged(): Promise<{ path: string; from: string }> {
  const { default: chromium } = await import('@sparticuz/chromium');
  return { path: await chromium.executablePath(), from: packagedName };
}

export async function launchBrowser(): Promise<Browser> {
  const { path } = await findChromium();
  return chromium.launch({
    executablePath: path,
    env: { ...process.env, LANG: 'en_US.UTF-8' },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-zygote',
      '--lang=en-US',
    ],
  });
}
