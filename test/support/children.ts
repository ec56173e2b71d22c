/**
 * Child Node processes for tests, which never outlive the test that started them:
 * - each runs in its own process group, and every group still alive is SIGKILLed when the
 *   test file's tests are done (`after`) and when the test process exits;
 * - each is preloaded with orphan-guard.mjs, which kills the child once the test process is
 *   gone, even if that process was SIGKILLed and ran no cleanup at all.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

const guard = fileURLToPath(new URL('./orphan-guard.mjs', import.meta.url));
const alive = new Set<ChildProcess>();

function killAll(): void {
  for (const child of alive) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  alive.clear();
}

after(killAll);
process.once('exit', killAll);

export type Stdio = 'pipe' | 'ignore' | 'inherit';

/** `node [--import orphan-guard] ...args`, stdio as given for fds 0-2 (default all piped). */
export function spawnNode(
  args: readonly string[],
  options: Omit<SpawnOptions, 'stdio' | 'detached'> & { stdio?: [Stdio, Stdio, Stdio] } = {},
): ChildProcess {
  const { stdio = ['pipe', 'pipe', 'pipe'], ...rest } = options;
  const child = spawn(process.execPath, ['--import', guard, ...args], {
    ...rest,
    stdio: [...stdio, 'pipe'],
    detached: true,
  });
  alive.add(child);
  child.once('exit', () => alive.delete(child));
  // The guard pipe is the child's, not ours to keep open: it must not hold this process.
  const pipe = child.stdio[3] as { unref?: () => void } | null;
  pipe?.unref?.();
  return child;
}

/** How a child ended, and what it printed. */
export interface Exited {
  readonly code: number | null;
  /** `'SIGKILL'` when the guard had to kill it. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node ...args` (as spawnNode, stdin closed) until it exits. `guardMs` only keeps a
 * hung child from hanging the suite: it is SIGKILLed then, which shows as `signal`.
 */
export function runNode(
  args: readonly string[],
  {
    guardMs = 30_000,
    ...options
  }: Omit<SpawnOptions, 'stdio' | 'detached'> & { guardMs?: number } = {},
): Promise<Exited> {
  const child = spawnNode(args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), guardMs);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}
