/**
 * Running the built `workpool` command as a user would: a child process with stdin, files
 * and signals. Each test file builds the CLI once into its own folder (tsc takes well under
 * a second), so test files running in parallel never race on one `dist/`.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNode } from '../support/children.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const tasks = join(fixtures, 'tasks.ts');

let built: string | undefined;
/** Temp dirs removed at exit, by one listener (one each would pass the listener limit). */
const temps = new Set<string>();
process.once('exit', () => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Path of `main.js` of a fresh build of src/ (under node_modules/.cache, so it resolves deps). */
export function cliPath(): string {
  if (built !== undefined) return built;
  const out = join(root, 'node_modules', '.cache', 'workpool-cli-test', String(process.pid));
  rmSync(out, { recursive: true, force: true });
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  try {
    execFileSync(
      tsc,
      [
        '-p',
        join(root, 'tsconfig.build.json'),
        '--outDir',
        out,
        '--declaration',
        'false',
        '--sourceMap',
        'false',
      ],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
  } catch (error) {
    // Type errors elsewhere in src/ (work in progress) still emit JS; only a missing build fails.
    if (!existsSync(join(out, 'cli', 'main.js'))) throw error;
  }
  temps.add(out);
  built = join(out, 'cli', 'main.js');
  return built;
}

export interface SpawnOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Node flags before the script (e.g. `--import` of a probe). */
  readonly node?: readonly string[];
}

export function spawnCli(args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawnNode([...(options.node ?? []), cliPath(), ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env },
  });
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects a child's output until it exits. */
export async function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr };
}

/** Runs the CLI to completion with `input` on stdin. */
export function runCli(
  args: readonly string[],
  input = '',
  options: SpawnOptions = {},
): Promise<Finished> {
  const child = spawnCli(args, options);
  const done = finished(child);
  child.stdin?.end(input);
  return done;
}

export interface ResultLine {
  readonly line: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
}

export function parseResults(stdout: string): ResultLine[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ResultLine);
}

/** `{"n":1}\n{"n":2}\n...` */
export function jsonl(items: readonly unknown[]): string {
  return items.map((i) => `${JSON.stringify(i)}\n`).join('');
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'workpool-cli-'));
  temps.add(dir);
  return dir;
}

/** Resolves when `predicate` holds; polls, which only paces the wait (nothing is decided by time). */
export async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** What a running child has written so far. */
export function watchOutput(child: ChildProcess): { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  return { stdout: () => out, stderr: () => err };
}

/**
 * The lines the `gated` handler has begun (it leaves `<dir>/started-<n>`), in order. Which
 * gated lines run first is not fixed: with a task sent ahead to each thread, a line can wait
 * behind a gated one on its thread while a later line begins on the other.
 */
export function startedLines(dir: string): number[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith('started-'))
    .map((f) => Number(f.slice('started-'.length)))
    .sort((a, b) => a - b);
}

/**
 * `workpool run tasks gated --threads 2` over lines 1-20 (stdin left open): lines 1-2 finish
 * at once, 3.. wait on `<dir>/open`. Resolves once lines 1-2 are written and two gated lines
 * run (which two is not fixed: see startedLines), with those two.
 */
export async function startGated(
  dir: string,
): Promise<{ child: ChildProcess; out: ReturnType<typeof watchOutput>; running: number[] }> {
  const child = spawnCli(['run', tasks, 'gated', '--threads', '2', '--progress-interval', '1h']);
  const out = watchOutput(child);
  const lines: { n: number; dir?: string }[] = [{ n: 1 }, { n: 2 }];
  for (let n = 3; n <= 20; n++) lines.push({ n, dir });
  child.stdin?.write(jsonl(lines)); // stdin stays open: the input has not ended
  await until(() => parseResults(out.stdout()).length === 2 && startedLines(dir).length === 2);
  return { child, out, running: startedLines(dir) };
}
