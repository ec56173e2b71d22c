/**
 * `node --import tsx bench/install-size.ts [--core workpool.tgz] [--cli workpool-cli.tgz] [names...]`
 *
 * What an application pays on disk to depend on a library: each package is installed
 * alone into its own scratch project with npm (`--omit=dev`; optional dependencies and
 * required peers come along, as for any user), then `node_modules` is measured: bytes (`du -sb`)
 * and packages (every folder with a package.json that `npm ls --all --parseable` lists).
 * `--core` measures a packed workpool tarball (`npm pack`) the same way; `--cli` the packed
 * workpool-cli with that core (installed together: the CLI depends on the core).
 * Prints a Markdown table.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const defaults = ['p-limit', 'p-queue', 'piscina', 'tinypool', 'workerpool', 'poolifier', 'bullmq'];

export interface InstallSize {
  readonly name: string;
  readonly version: string;
  readonly packages: number;
  readonly bytes: number;
}

/**
 * Installs `specs` (names or tarball paths; the last is the one named in the result) into a
 * fresh project and measures node_modules.
 */
export function installSize(specs: readonly string[]): InstallSize {
  const dir = mkdtempSync(join(tmpdir(), 'workpool-size-'));
  try {
    mkdirSync(join(dir, 'app'));
    const app = join(dir, 'app');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--silent', '--omit=dev', ...specs],
      {
        cwd: app,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const listed = execFileSync('npm', ['ls', '--all', '--parseable', '--omit=dev'], {
      cwd: app,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((line) => line.includes('node_modules'));
    const du = execFileSync('du', ['-sb', join(app, 'node_modules')], { encoding: 'utf8' });
    const manifest = JSON.parse(
      execFileSync('npm', ['ls', '--depth=0', '--json'], { cwd: app, encoding: 'utf8' }),
    ) as { dependencies: Record<string, { version: string }> };
    const last = specs[specs.length - 1] ?? '';
    const [name, info] = Object.entries(manifest.dependencies).find(([n]) =>
      last.endsWith('.tgz') ? last.includes(`/${n}-`) : n === last,
    ) ?? ['?', { version: '?' }];
    return {
      name,
      version: info.version,
      packages: listed.length,
      bytes: Number(du.split('\t')[0]),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const specs: string[][] = [];
  let core: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--core') {
      core = resolve(args[++i] ?? '');
      specs.push([core]);
    } else if (arg === '--cli') {
      if (core === undefined) throw new Error('--cli needs --core before it');
      specs.push([core, resolve(args[++i] ?? '')]);
    } else specs.push([arg]);
  }
  if (!specs.some((s) => !(s[0] ?? '').endsWith('.tgz'))) specs.push(...defaults.map((d) => [d]));
  console.log('| package | version | packages installed | size on disk |');
  console.log('| :-- | --: | --: | --: |');
  for (const spec of specs) {
    const r = installSize(spec);
    const mb = r.bytes / 1e6;
    const size = mb < 1 ? `${Math.round(r.bytes / 1e3)} kB` : `${mb.toFixed(1)} MB`;
    console.log(`| ${r.name} | ${r.version} | ${r.packages} | ${size} |`);
  }
}
