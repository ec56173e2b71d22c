/**
 * Type-checks one file with the project's own TypeScript, as a strict ESM consumer's
 * project would (nodenext, es2022, Node's types), and returns what tsc said.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface TypecheckResult {
  readonly code: number | null;
  /** tsc prints its diagnostics on stdout. */
  readonly stdout: string;
  readonly stderr: string;
}

/** `flags` are added to the common ones, e.g. `--exactOptionalPropertyTypes`. */
export function typecheck(
  file: string,
  { cwd = process.cwd(), flags = [] }: { cwd?: string; flags?: readonly string[] } = {},
): TypecheckResult {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext'];
  args.push('--target', 'es2022', '--types', 'node');
  args.push('--typeRoots', join(root, 'node_modules', '@types'), ...flags, file);
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
