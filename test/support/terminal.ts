/**
 * A real terminal for tests: a command run in a tmux pane on a private tmux server (its
 * own socket, no user config), whose screen — what a user would see, after every cursor
 * move and erase — is read with `capture-pane`. The pane stays after the command exits
 * (`remain-on-exit`), so the last screen and the exit status can be read. Every server
 * started is killed when the test process exits.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemCommand } from './apt.js';

const HINT =
  'The terminal tests need tmux: install it (Debian/Ubuntu: `apt-get install -y tmux`, macOS: `brew install tmux`)';

const servers = new Set<Terminal>();
process.once('exit', () => {
  for (const t of servers) t.close();
});

/** `'a b'` → `'a b'` quoted for sh. */
const quote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`;

export class Terminal {
  readonly #tmux: string;
  readonly #socket: string;
  readonly #dir: string;
  #closed = false;

  private constructor(tmux: string, socket: string, dir: string) {
    this.#tmux = tmux;
    this.#socket = socket;
    this.#dir = dir;
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
      `exec ${argv.map(quote).join(' ')}`,
    ]);
    return t;
  }

  #run(args: readonly string[]): string {
    return execFileSync(this.#tmux, ['-S', this.#socket, ...args], { encoding: 'utf8' });
  }

  #format(format: string): string {
    return this.#run(['display-message', '-p', '-t', 'test', format]).trim();
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

  /** The pid of the command (it was exec'd, so the pane's process is the command). */
  get pid(): number {
    return Number(this.#format('#{pane_pid}'));
  }

  /** The command's exit status once it has exited; `undefined` while it runs. */
  exitStatus(): number | undefined {
    const [dead, status, signal] = this.#format(
      '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}',
    ).split(':');
    if (dead !== '1') return undefined;
    if (signal !== undefined && signal !== '') throw new Error(`killed by signal ${signal}`);
    if (status === undefined || status === '') return undefined; // not recorded yet
    return Number(status);
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
