import type { Command } from 'commander';
import { startError } from './errors.js';
import { stopSignal } from './interrupt.js';
import { duration } from './parse.js';

interface Flags {
  readonly redis: string;
  readonly queue: string;
  readonly prefix?: string;
  readonly readyTimeout?: number;
  readonly watch?: number;
}

/**
 * `workpool cluster --redis URL --queue NAME`: the whole cluster of a distributed queue as
 * JSON (`ClusterStats`, the shape `DistributedPool.clusterStats()` gives in `cluster`):
 * once, or one line every `--watch` until SIGTERM or SIGINT.
 */

/** The library's option names as this command's flags, for messages. */
const clusterFlags: Readonly<Record<string, string>> = {
  connection: '--redis',
  queue: '--queue',
  prefix: '--prefix',
  readyTimeout: '--ready-timeout',
};
export function register(program: Command): void {
  program
    .command('cluster')
    .summary("print a distributed queue's cluster stats (waiting, running, hosts...) as JSON")
    .description(
      'Reads the BullMQ queue --queue on Redis --redis and its worker hosts, and prints the\n' +
        "cluster's figures as one JSON object: waiting, running, completed, failed, retried,\n" +
        'throughput, waitTime and runTime percentiles (every host merged), workers (each host\n' +
        'with threads and health) and counts. With --watch, one JSON line per interval.',
    )
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .requiredOption('--queue <name>', 'BullMQ queue name')
    .option('--prefix <prefix>', 'BullMQ key prefix (default "bull")')
    .option(
      '--ready-timeout <duration>',
      'how long to wait for Redis at start (default 10s)',
      duration,
    )
    .option('--watch <duration>', 'print again every interval, until interrupted', duration)
    .action(async (flags: Flags) => {
      const { DistributedPool } = await import('../distributed/index.js');
      let pool: InstanceType<typeof DistributedPool>;
      try {
        pool = new DistributedPool({
          connection: flags.redis,
          queue: flags.queue,
          ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
          ...(flags.readyTimeout === undefined
            ? {}
            : { readyTimeout: Math.max(1, Math.round(flags.readyTimeout)) }),
        });
      } catch (error) {
        throw startError(error, clusterFlags);
      }
      let hinted = false;
      const print = async (): Promise<void> => {
        const { cluster } = await pool.clusterStats();
        process.stdout.write(`${JSON.stringify(cluster, null, flags.watch ? 0 : 2)}\n`);
        // All zeros and no host can be a misspelt queue or prefix: say so, once, aside.
        if (cluster !== undefined && cluster.workers.length === 0 && !hinted) {
          hinted = true;
          process.stderr.write(
            `workpool: no worker host advertises on queue ${JSON.stringify(flags.queue)} (prefix ${JSON.stringify(flags.prefix ?? 'bull')}); check --queue and --prefix\n`,
          );
        }
      };
      try {
        try {
          await print();
        } catch (error) {
          throw startError(error, clusterFlags);
        }
        if (flags.watch !== undefined) {
          const timer = setInterval(() => print().catch(() => {}), flags.watch);
          await stopSignal();
          clearInterval(timer);
        }
        process.exitCode = 0;
      } finally {
        await pool.close({ timeout: 2000 });
      }
    });
}
