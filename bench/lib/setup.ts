/** What the parent prepares before any child runs. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { busy } from '../tasks/work.mjs';
import { median } from './stats.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const buildDir = fileURLToPath(new URL('../results/build/', import.meta.url));

/**
 * Compiles src/ to bench/results/build (what users of the package run: no tsx in threads).
 * Type errors elsewhere in src/ do not stop the emit; a missing index.js does.
 */
export function buildWorkpool(): void {
  rmSync(buildDir, { recursive: true, force: true });
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const r = spawnSync(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      buildDir,
      '--declaration',
      'false',
      '--sourceMap',
      'false',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (!existsSync(`${buildDir}index.js`)) {
    throw new Error(`could not compile src/ for the benchmark:\n${r.stdout}${r.stderr}`);
  }
  if (r.status !== 0)
    console.error(
      `note: tsc reported errors in src/ (emitted anyway):\n${r.stdout.slice(0, 2000)}`,
    );
}

/** Iterations of `busy` that take about `ms` on this machine (median of several tries). */
export function calibrateBusy(ms: number): number {
  busy(1_000_000); // warm up the JIT
  const probe = 2_000_000;
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    busy(probe);
    times.push(performance.now() - t0);
  }
  return Math.round((probe * ms) / median(times));
}

/**
 * What users install: `npm pack` of this tree (its `prepack` builds dist/), installed into
 * a scratch directory under bench/results/. Returns the installed package's entry file.
 */
export function packWorkpool(): string {
  const scratch = fileURLToPath(new URL('../results/pack/', import.meta.url));
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = (args: string[], cwd: string): void => {
    const r = spawnSync(npm, args, { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  };
  run(['pack', '--silent', '--pack-destination', scratch], root);
  const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  writeFileSync(`${scratch}package.json`, '{ "name": "bench-scratch", "private": true }\n');
  run(['install', '--silent', '--no-audit', '--no-fund', `./${tarball}`], scratch);
  const entry = `${scratch}node_modules/workpool/dist/index.js`;
  if (!existsSync(entry)) throw new Error(`the installed package has no ${entry}`);
  return entry;
}
