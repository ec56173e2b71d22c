import type { Command } from 'commander';
import { startError } from './errors.js';
import { stopSignal } from './interrupt.js';
import { duration, integer, weight } from './parse.js';

interface Flags {
  readonly redis: string;
  readonly queue: string;
  readonly prefix?: string;
  readonly readyTimeout?: number;
  readonly threads?: number;
  readonly concurrency?: number;
  readonly killGrace?: number;
  readonly lockDuration?: number;
  readonly stalledInterval?: number;
  readonly maxStalled?: number;
  readonly drainTimeout: number;
  readonly weight?: Record<string, number>;
  readonly maxPerKey?: number;
  readonly keyPoll?: number;
  readonly heartbeat?: number;
}

/**
 * `workpool worker <module> --redis URL --queue NAME`: a worker host of the distributed
 * mode. Runs until SIGTERM or SIGINT, then stops taking jobs, drains within
 * `--drain-timeout`, hands the rest back to the queue and exits 0.
 */

/** The library's option names as this command's flags, for messages. */
const workerFlags: Readonly<Record<string, string>> = {
  connection: '--redis',
  queue: '--queue',
  prefix: '--prefix',
  readyTimeout: '--ready-timeout',
  threads: '--threads',
  concurrency: '--concurrency',
  killGrace: '--kill-grace',
  lockDuration: '--lock-duration',
  stalledInterval: '--stalled-interval',
  maxStalledCount: '--max-stalled',
  'fairness.weights': '--weight',
  'fairness.maxPerKey': '--max-per-key',
  keyPoll: '--key-poll',
  heartbeat: '--heartbeat',
};
export function register(program: Command): void {
  program
    .command('worker')
    .summary('run jobs of a Redis (BullMQ) queue on worker threads, for DistributedPool')
    .description(
      'Takes jobs from BullMQ queue --queue on Redis --redis and runs them with the handlers\n' +
        'of task module <module> on worker threads. A job past its timeout has its thread\n' +
        'killed; a cancel from any DistributedPool reaches the job here. SIGTERM stops taking\n' +
        'jobs, waits up to --drain-timeout for running ones and hands the rest back at once.',
    )
    .argument('<module>', 'task module: a .js/.mjs file, or .ts with tsx installed')
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .requiredOption('--queue <name>', 'BullMQ queue name')
    .option('--prefix <prefix>', 'BullMQ key prefix (default "bull")')
    .option(
      '--ready-timeout <duration>',
      'how long to wait for Redis at start (default 10s)',
      duration,
    )
    .option('-t, --threads <n>', 'worker threads (default: available parallelism)', integer(1))
    .option('-c, --concurrency <n>', 'jobs taken from Redis at once (default: threads)', integer(1))
    .option(
      '--kill-grace <duration>',
      'time a timed-out job has to stop before its thread is killed',
      duration,
    )
    .option(
      '--lock-duration <duration>',
      "BullMQ job lock (a dead host's jobs return after it)",
      duration,
    )
    .option(
      '--stalled-interval <duration>',
      'BullMQ: how often to look for jobs of dead hosts',
      duration,
    )
    .option(
      '--max-stalled <n>',
      'times a job may lose its host before it fails (default 1)',
      integer(0),
    )
    .option(
      '--weight <key=n>',
      'fair share: weight of a job key (repeatable; keys not given weigh 1)',
      weight,
    )
    .option(
      '--max-per-key <n>',
      'fair share: most jobs of one key running at once, across all workers',
      integer(1),
    )
    .option('--key-poll <duration>', 'how often to look for keyed jobs (default 1s)', duration)
    .option(
      '--heartbeat <duration>',
      "how often the worker's advert is written (default 5s)",
      duration,
    )
    .option(
      '--drain-timeout <duration>',
      'on SIGTERM, time allowed to finish running jobs',
      duration,
      30_000,
    )
    .action(async (module: string, flags: Flags) => {
      const { startWorker } = await import('../distributed/index.js');
      const ms = (name: string, value: number | undefined) =>
        value === undefined ? {} : { [name]: Math.max(1, Math.round(value)) };
      let worker: Awaited<ReturnType<typeof startWorker>>;
      try {
        worker = await startWorker({
          module,
          connection: flags.redis,
          queue: flags.queue,
          ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
          ...(flags.readyTimeout === undefined
            ? {}
            : { readyTimeout: Math.max(1, Math.round(flags.readyTimeout)) }),
          ...(flags.threads === undefined ? {} : { threads: flags.threads }),
          ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
          ...(flags.killGrace === undefined ? {} : { killGrace: Math.round(flags.killGrace) }),
          ...ms('lockDuration', flags.lockDuration),
          ...ms('stalledInterval', flags.stalledInterval),
          ...(flags.maxStalled === undefined ? {} : { maxStalledCount: flags.maxStalled }),
          ...ms('keyPoll', flags.keyPoll),
          ...ms('heartbeat', flags.heartbeat),
          ...(flags.weight === undefined && flags.maxPerKey === undefined
            ? {}
            : {
                fairness: {
                  ...(flags.weight === undefined ? {} : { weights: flags.weight }),
                  ...(flags.maxPerKey === undefined ? {} : { maxPerKey: flags.maxPerKey }),
                },
              }),
        });
      } catch (error) {
        throw startError(error, workerFlags);
      }
      process.stdout.write(
        `workpool: worker ${worker.id} on queue ${flags.queue} (handlers: ${worker.handlers.join(', ')})\n`,
      );
      const signal = await stopSignal();
      process.stderr.write(`workpool: ${signal}: draining (up to ${flags.drainTimeout} ms)\n`);
      await worker.close({ timeout: Math.round(flags.drainTimeout) });
      process.stderr.write('workpool: stopped\n');
      process.exitCode = 0;
    });
}
