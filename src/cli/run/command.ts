import { type Command, Option } from 'commander';
import { duration, integer, rate } from '../parse.js';

interface Flags {
  readonly input: string;
  readonly output: string;
  readonly threads?: number;
  readonly async?: true;
  readonly concurrency?: number;
  readonly timeout?: number;
  readonly retries: number;
  readonly ordered?: true;
  readonly maxQueue?: number;
  readonly rate?: { readonly limit: number; readonly interval: number };
  readonly strict?: true;
  readonly resume?: true;
  readonly quiet?: true;
  readonly progressInterval: number;
}

/** `workpool run <module> <handler>`: a handler over every line of a JSON Lines input. */
export function register(program: Command): void {
  program
    .command('run')
    .summary('run a task module handler over every line of a JSON Lines input')
    .description(
      'Runs <handler> of task module <module> once per line of a JSON Lines input, on worker threads (or in-process with --async), and writes one JSON line per input line.',
    )
    .addHelpText(
      'after',
      `
Output, one line per input line (blank lines are skipped but keep their number):
  {"line":1,"ok":true,"value":...}
  {"line":2,"ok":false,"error":{"name":"SyntaxError","message":"..."}}

Every result line carries its input line number, so --resume can continue a run from
its output file, ordered or not: lines with a result are skipped, the rest appended.

Exit codes: 0 every line ok, 1 a line failed, 2 bad option, task module or handler,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM): either signal finishes the running
tasks, writes them and prints the summary; a second one stops at once.

Example:
  workpool run ./tasks.js resize --input jobs.jsonl --output results.jsonl --threads 4`,
    )
    .argument('<module>', 'task module: a .js/.mjs file, or .ts with tsx installed')
    .argument('<handler>', 'the exported function to call with each line')
    .option('-i, --input <file>', 'JSON Lines input, - for stdin', '-')
    .option('-o, --output <file>', 'where results go, - for stdout', '-')
    .addOption(
      new Option('-t, --threads <n>', 'worker threads (default: available parallelism)')
        .argParser(integer(1))
        .conflicts('async'),
    )
    .option('--async', 'call the handler in-process on a Pool (for I/O-bound async handlers)')
    .option(
      '-c, --concurrency <n>',
      'tasks at once with --async (default 16); tasks per thread otherwise (default 1)',
      integer(1),
    )
    .option('--timeout <duration>', 'run time allowed per task: 500, 500ms, 2s, 1m', duration)
    .option(
      '--retries <n>',
      'try a failed task again up to n times, with backoff (not timeouts)',
      integer(0),
      0,
    )
    .option('--ordered', 'write results in input order (default: as they finish)')
    .option(
      '--max-queue <n>',
      `lines read ahead of the running ones (default 1024); memory is bounded by it`,
      integer(0),
    )
    .option('--rate <limit/interval>', 'at most this many task starts per interval: 100/s', rate)
    .option('--strict', 'stop at the first malformed line, writing nothing after it (exit 1)')
    .option(
      '--resume',
      'continue from --output: skip the lines it has a result for, append the others',
    )
    .option('-q, --quiet', 'no progress and no summary on stderr')
    .option(
      '--progress-interval <duration>',
      'period of plain progress lines when stderr is not a terminal',
      duration,
      2000,
    )
    .action(async (module: string, handler: string, flags: Flags) => {
      const { run } = await import('./run.js');
      process.exitCode = await run({
        module,
        handler,
        input: flags.input,
        output: flags.output,
        async: flags.async === true,
        threads: flags.threads,
        concurrency: flags.concurrency,
        maxQueue: flags.maxQueue,
        rate: flags.rate,
        timeout: flags.timeout,
        retries: flags.retries,
        ordered: flags.ordered === true,
        strict: flags.strict === true,
        resume: flags.resume === true,
        quiet: flags.quiet === true,
        progressInterval: flags.progressInterval,
      });
    });
}
