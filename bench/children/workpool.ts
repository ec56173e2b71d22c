/**
 * Loads workpool for a child: from `src/` through tsx (`WORKPOOL_FROM=src`), from the
 * compiled build in bench/results/build (`WORKPOOL_FROM=build`, the default the parent sets
 * up), which is what users run, or from an absolute file path (`--from pack`: the entry of
 * the tarball installed in a scratch directory). From source, each ThreadPool thread
 * registers tsx to load its TypeScript entry (~40-100 ms per thread), which users of the
 * package never pay.
 */
import { pathToFileURL } from 'node:url';

type WorkpoolModule = typeof import('../../src/index.js');

export async function loadWorkpool(): Promise<WorkpoolModule> {
  const from = process.env.WORKPOOL_FROM;
  if (from === 'src') return import('../../src/index.js');
  if (from?.startsWith('/') === true)
    return (await import(pathToFileURL(from).href)) as WorkpoolModule;
  const built = new URL('../results/build/index.js', import.meta.url).href;
  return (await import(built)) as WorkpoolModule;
}
