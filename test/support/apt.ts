/**
 * A command the tests need from the system (redis-server, tmux): found on PATH, or, as
 * root with apt-get (CI on a fresh Debian machine), installed once with apt-get (a lock in
 * the temp dir keeps parallel test files from racing), or else an error naming what to
 * install. A test never skips for want of one.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/** Installs `pkg` with apt-get unless `command` appeared meanwhile, once across test processes. */
function aptInstall(command: string, pkg: string, hint: string): void {
  const lock = join(tmpdir(), `workpool-test-${pkg}-install.lock`);
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${hint} (timed out waiting for ${lock})`);
      // Another test process is installing: wait for it, synchronously (this runs once).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    if (onPath(command) !== undefined) return;
    process.stderr.write(`${command} not found: installing ${pkg} with apt-get\n`);
    // RUNLEVEL=1 keeps a package's init script from starting a system-wide service.
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    });
  } finally {
    rmdirSync(lock);
  }
}

/** The path of `command`, installing Debian package `pkg` if it is missing and we may. */
export function systemCommand(command: string, pkg: string, hint: string): string {
  const found = onPath(command);
  if (found !== undefined) return found;
  if (process.getuid?.() === 0 && onPath('apt-get') !== undefined) {
    try {
      aptInstall(command, pkg, hint);
    } catch (error) {
      throw new Error(`${hint} (apt-get install failed)`, { cause: error });
    }
    const installed = onPath(command);
    if (installed !== undefined) return installed;
  }
  throw new Error(hint);
}
