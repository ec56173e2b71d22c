/**
 * `node --import tsx bench/cold-import.ts --core workpool-0.1.0.tgz [--runs 60] [names...]`
 *
 * Cold import time: a fresh `node` process per measurement imports one library's main
 * entry, timed inside the process from just before `import()` to just after it (node's own
 * start-up excluded; the OS file cache is warm after the first round). The libraries are
 * installed from npm into one scratch project (the core from its packed tarball), and each
 * round runs every library once, starting at a different one each round, so load from the
 * rest of the machine falls on all alike. Prints min / median / max per library and the
 * core's ratio (of medians, and the range of per-round ratios) to each other library. The
 * row "(empty module)" imports an empty local file: the fixed cost of a first `import()`
 * (the ESM loader's own start), which every row includes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { summarize } from './lib/stats.js';

const args = process.argv.slice(2);
let core: string | undefined;
let runs = 60;
const peers: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? '';
  if (arg === '--core') core = resolve(args[++i] ?? '');
  else if (arg === '--runs') runs = Number(args[++i]);
  else peers.push(arg);
}
if (core === undefined) throw new Error('--core <workpool tarball> is required (npm pack)');
if (!Number.isInteger(runs) || runs < 1) throw new RangeError('--runs must be a positive integer');
if (peers.length === 0) peers.push('piscina', 'p-limit');

const dir = mkdtempSync(join(tmpdir(), 'workpool-import-'));
try {
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module' }),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', core, ...peers], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(join(dir, 'empty.mjs'), '');
  const empty = '(empty module)';
  const names = ['workpool', ...peers, empty];
  const probe =
    'const t = performance.now(); await import(process.argv[1]); ' +
    'process.stdout.write(String(performance.now() - t));';
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let round = 0; round < runs; round++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(round + j) % names.length] ?? '';
      const specifier = name === empty ? './empty.mjs' : name;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe, specifier], {
        cwd: dir,
        encoding: 'utf8',
      });
      times.get(name)?.push(Number(out));
    }
  }
  const ms = (v: number): string => v.toFixed(2);
  console.log(`Node ${process.version}, ${runs} runs each, import() in a fresh process, ms\n`);
  console.log('| library | min | median | max |');
  console.log('| :-- | --: | --: | --: |');
  for (const name of names) {
    const s = summarize(times.get(name) ?? []);
    console.log(`| ${name} | ${ms(s.min)} | ${ms(s.median)} | ${ms(s.max)} |`);
  }
  const own = times.get('workpool') ?? [];
  console.log('\n| workpool vs | ratio of medians | per-round ratios min / median / max |');
  console.log('| :-- | --: | --: |');
  for (const name of peers) {
    const other = times.get(name) ?? [];
    const ratios = own.map((v, i) => v / (other[i] ?? Number.NaN));
    const r = summarize(ratios);
    const ratio = summarize(own).median / summarize(other).median;
    console.log(
      `| ${name} | ${ratio.toFixed(2)}x | ${r.min.toFixed(2)} / ${r.median.toFixed(2)} / ${r.max.toFixed(2)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
