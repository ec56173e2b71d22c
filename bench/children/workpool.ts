/**
 * Loads workpool for a child: from `src/` through tsx (`WORKPOOL_FROM=src`) or from the
 * compiled build in bench/results/build (`WORKPOOL_FROM=build`, the default the parent sets up),
 * which is what users run. From source, each ThreadPool thread registers tsx to load its
 * TypeScript entry (~40-100 ms per thread), which users of the package never pay.
 */
type WorkpoolModule = typeof import('../../src/index.js');

export async function loadWorkpool(): Promise<WorkpoolModule> {
  if (process.env.WORKPOOL_FROM === 'src') return import('../../src/index.js');
  const built = new URL('../results/build/index.js', import.meta.url).href;
  return (await import(built)) as WorkpoolModule;
}
