/**
 * The subcommands of `workpool`. A subcommand is one module exporting
 * `register(program: Command): void`, which adds its command, options and action to the
 * program; add it to this list and it exists. Keep `register` light: the action imports the
 * implementation lazily, so `workpool run` never loads what `serve` or `images` need.
 *
 * An action reports its result through `process.exitCode` (see ExitCode in ./errors.ts) and
 * throws `UsageError` for anything the user must fix (exit 2). `main` exits once the action's
 * promise settles, so a long-running command (a server) resolves only when it is done.
 */
import type { Command } from 'commander';
import { register as cluster } from './cluster.js';
import { register as dashboard } from './dashboard.js';
import { register as images } from './images/command.js';
import { register as run } from './run/command.js';
import { register as serve } from './serve.js';
import { register as worker } from './worker.js';

export type Register = (program: Command) => void;

export const commands: readonly Register[] = [run, images, serve, worker, cluster, dashboard];
