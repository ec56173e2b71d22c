// Node 20 does not expand test globs itself: collect test/**/*.test.ts and hand them to
// `node --test` in one run, so the runner's closing summary covers the whole suite.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures') out.push(...collect(path));
    } else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = collect('test')
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filter.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  // The chaos tests' long mode (CHAOS_RUNS) runs for minutes: no per-file time limit then.
  [
    '--import',
    'tsx',
    '--test',
    ...(process.env.CHAOS_RUNS ? [] : ['--test-timeout=120000']),
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
