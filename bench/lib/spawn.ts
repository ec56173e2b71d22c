import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildRequest, ChildResult } from './types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const childEntry = fileURLToPath(new URL('../child.ts', import.meta.url));
const loader = fileURLToPath(new URL('./tsx-main.mjs', import.meta.url));

export interface SpawnOptions {
  readonly gc: boolean;
  readonly flags: readonly string[];
  readonly timeoutMs: number;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Runs one measurement in a fresh Node process and parses its `RESULT {json}` line.
 * A crash, a timeout or a missing result becomes `{ ok: false }`; it never throws.
 */
export function runChild(
  request: ChildRequest,
  options: SpawnOptions,
): Promise<{ result: ChildResult; wallMs: number }> {
  const args = [
    ...(options.gc ? ['--expose-gc'] : []),
    ...options.flags,
    '--import',
    loader,
    childEntry,
    JSON.stringify(request),
  ];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const line = stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('RESULT '));
      if (line !== undefined) {
        try {
          resolve({ result: JSON.parse(line.slice(7)) as ChildResult, wallMs });
          return;
        } catch {
          // fall through to the failure below
        }
      }
      const why =
        signal === 'SIGKILL'
          ? `timed out after ${options.timeoutMs} ms`
          : `exited ${code ?? signal}`;
      const tail = stderr.trim().split('\n').slice(-6).join('\n');
      resolve({
        result: { ok: false, skipped: false, error: `child ${why}${tail ? `: ${tail}` : ''}` },
        wallMs,
      });
    });
  });
}
