/**
 * The packages as a user gets them: the working tree is copied (so packing, which builds,
 * never touches the dist/ other tests may read), both packages are packed (`prepack` builds),
 * and each scratch project installs tarballs only, as from the registry.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

const skip = new Set(['node_modules', 'dist', '.git', 'results', 'out', '.tmp']);

export interface Packed {
  readonly dir: string;
  readonly core: string;
  readonly cli: string;
  /** Paths inside the core tarball, e.g. `package/dist/index.js` without `package/`. */
  readonly coreFiles: readonly string[];
  readonly cliFiles: readonly string[];
  cleanup(): void;
}

function pack(cwd: string, into: string): { tarball: string; files: string[] } {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', into], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  if (info === undefined) throw new Error(`npm pack in ${cwd} made no tarball`);
  return { tarball: join(into, info.filename), files: info.files.map((f) => f.path) };
}

/** Copies the tree, packs the core and the CLI package. */
export function packAll(): Packed {
  const dir = mkdtempSync(join(tmpdir(), 'workpool-pack-'));
  const tree = join(dir, 'tree');
  cpSync(root, tree, {
    recursive: true,
    filter: (src) => {
      const rel = relative(root, src);
      return !rel.split('/').some((part) => skip.has(part)) && !rel.endsWith('.tgz');
    },
  });
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  const core = pack(tree, dir);
  const cli = pack(join(tree, 'packages', 'cli'), dir);
  return {
    dir,
    core: core.tarball,
    cli: cli.tarball,
    coreFiles: core.files,
    cliFiles: cli.files,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A fresh project in `dir/name` with `tarballs` installed (production dependencies only).
 * Fails on an engine warning (a dependency that wants a newer Node than this one) and on
 * npm 11's warning that one of our own packages has an install script it did not run (a
 * `prepare` script did that once). A dependency's own install script (msgpackr-extract,
 * through bullmq) is its own and optional, so its warning is let through.
 */
export function project(dir: string, name: string, tarballs: readonly string[]): string {
  const path = join(dir, name);
  mkdirSync(path);
  writeFileSync(
    join(path, 'package.json'),
    JSON.stringify({ name: name, version: '1.0.0', private: true, type: 'module' }),
  );
  const install = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=dev', ...tarballs],
    { cwd: path, encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
  if (/EBADENGINE|Unsupported engine/.test(install.stderr))
    throw new Error(`installing ${name} warns about engines:\n${install.stderr}`);
  if (/^npm warn install-scripts\s+workpool(-cli)?@/m.test(install.stderr))
    throw new Error(`installing ${name} warns about our install script:\n${install.stderr}`);
  cpSync(fixtures, path, { recursive: true });
  return path;
}

/** Packages in the project's node_modules (`npm ls --all --parseable`, the project excluded). */
export function installed(path: string): string[] {
  return execFileSync('npm', ['ls', '--all', '--parseable'], { cwd: path, encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('node_modules'))
    .map((line) => line.slice(line.lastIndexOf('node_modules/') + 'node_modules/'.length));
}

export function node(
  cwd: string,
  args: readonly string[],
  input = '',
  env: Record<string, string> = {},
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
