/**
 * A real terminal for tests: a command run in a tmux pane on a private tmux server (its
 * own socket, no user config), whose screen — what a user would see, after every cursor
 * move and erase — is read with `capture-pane`. The pane stays after the command exits
 * (`remain-on-exit`), so the last screen can be read. Every server
 * started is killed when the test process exits.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemCommand } from './apt.js';

const HINT =
  'The terminal tests need tmux: install it (Debian/Ubuntu: `apt-get install -y tmux`, macOS: `brew install tmux`)';

const servers = new Set<Terminal>();
process.once('exit', () => {
  for (const t of servers) t.close();
});

/**
 * Runs the command as a child of a small node process that only waits for it and writes
 * its pid and exit code to files: tmux's own record of a pane's exit status was seen
 * missing under load, and the wrapper ignores SIGINT/SIGTERM, so Ctrl-C reaches the command
 * (same process group) while the wrapper stays to report.
 */
const WRAPPER = `const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const [out, command, ...args] = process.argv.slice(1);
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
const child = spawn(command, args, { stdio: 'inherit' });
writeFileSync(out + '.pid', String(child.pid));
child.on('exit', (code, signal) => writeFileSync(out, JSON.stringify({ code, signal })));`;

/** `'a b'` → `'a b'` quoted for sh. */
const quote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`;

export class Terminal {
  readonly #tmux: string;
  readonly #socket: string;
  readonly #dir: string;
  readonly #exit: string;
  #closed = false;

  private constructor(tmux: string, socket: string, dir: string) {
    this.#tmux = tmux;
    this.#socket = socket;
    this.#dir = dir;
    this.#exit = join(dir, 'exit.json');
  }

  /** Runs `argv` (no shell) in a `columns` × `rows` terminal, in `cwd`. */
  static open(
    argv: readonly string[],
    o: { readonly columns: number; readonly rows: number; readonly cwd: string },
  ): Terminal {
    const tmux = systemCommand('tmux', 'tmux', HINT);
    const dir = mkdtempSync(join(tmpdir(), 'workpool-tmux-'));
    const config = join(dir, 'tmux.conf');
    writeFileSync(config, 'set -g remain-on-exit on\nset -g status off\n');
    const t = new Terminal(tmux, join(dir, 'socket'), dir);
    servers.add(t);
    t.#run([
      '-f',
      config,
      'new-session',
      '-d',
      '-s',
      'test',
      '-x',
      String(o.columns),
      '-y',
      String(o.rows),
      '-c',
      o.cwd,
      `exec ${[process.execPath, '-e', WRAPPER, t.#exit, ...argv].map(quote).join(' ')}`,
    ]);
    return t;
  }

  #run(args: readonly string[]): string {
    return execFileSync(this.#tmux, ['-S', this.#socket, ...args], { encoding: 'utf8' });
  }

  /** The screen as text, one string a row, trailing blanks trimmed. */
  screen(): string[] {
    return this.#run(['capture-pane', '-p', '-t', 'test'])
      .split('\n')
      .map((row) => row.trimEnd());
  }

  /** Keys as a user types them (tmux names: `C-c` is Ctrl-C). */
  keys(...keys: string[]): void {
    this.#run(['send-keys', '-t', 'test', ...keys]);
  }

  /** The pid of the command (a child of the pane's wrapper). */
  get pid(): number {
    const file = `${this.#exit}.pid`;
    if (!existsSync(file)) throw new Error('the command has not started yet');
    return Number(readFileSync(file, 'utf8'));
  }

  /** The command's exit code once it has exited; `undefined` while it runs. */
  exitStatus(): number | undefined {
    if (!existsSync(this.#exit)) return undefined;
    const { code, signal } = JSON.parse(readFileSync(this.#exit, 'utf8')) as {
      code: number | null;
      signal: string | null;
    };
    if (code === null) throw new Error(`killed by signal ${signal}`);
    return code;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    servers.delete(this);
    try {
      this.#run(['kill-server']);
    } catch {}
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
