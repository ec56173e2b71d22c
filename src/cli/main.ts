#!/usr/bin/env node
/**
 * `workpool`: the command line. Parses arguments with commander, runs one subcommand (see
 * ./commands.ts) and exits with its code: 0 ok, 1 something failed, 2 usage (bad option,
 * task module or handler), 130 interrupted.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { commands } from './commands.js';
import { ExitCode, RunError, UsageError } from './errors.js';

function createProgram(): Command {
  const program = new Command('workpool')
    .description('Worker pools for Node.js: run task modules over batches, on every core.')
    .version(version())
    .showHelpAfterError('(run "workpool --help" for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  // The descriptions are wrapped by hand at ~90 columns: a wider help keeps commander from
  // wrapping them again at its default 80 (which left one-word lines).
  const helpWidth = Math.max(100, process.stdout.columns ?? 0);
  program.configureHelp({ helpWidth });
  for (const command of program.commands) {
    command
      .configureHelp({ helpWidth })
      .exitOverride()
      .showHelpAfterError(`(run "workpool ${command.name()} --help" for usage)`);
  }
  return program;
}

/** The version in workpool's package.json, found upward from this file (src/cli or dist/cli). */
function version(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'workpool' && typeof pkg.version === 'string') return pkg.version;
    } catch {}
    if (dir.pathname === '/') return 'unknown';
  }
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    // commander has printed its own message (unknown option, invalid value, ...).
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (error instanceof UsageError || error instanceof RunError) {
      process.stderr.write(`workpool: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `workpool: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.failed;
  }
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.once('error', () => resolve()); // EPIPE: the reader is gone, nothing to wait for
    stream.write('', () => resolve());
  });
}

// A reader that goes away (`workpool run ... | head`, `--help | head`) is not a crash:
// stdout's EPIPE is noted here; the run's own writer reports it as a failed output.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
const code = await main(process.argv);
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Exit now: an idle stdin or a pending read would otherwise keep the process alive.
process.exit(code);
