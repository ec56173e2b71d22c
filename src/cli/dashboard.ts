import { type Command, Option } from 'commander';
import { UsageError } from './errors.js';
import { stopSignal } from './interrupt.js';
import { integer } from './parse.js';
import { clusterOf, serveError } from './serve.js';

interface Flags {
  readonly redis: string;
  readonly queue: string;
  readonly prefix?: string;
  readonly port: number;
  readonly host: string;
  readonly token?: string;
}

/**
 * `workpool dashboard --redis URL --queue NAME`: the cluster page of `workpool serve
 * --redis`, for a screen: read-only unless `--token` is set (then the actions work,
 * behind the token). Runs until SIGTERM or SIGINT.
 */
export function register(program: Command): void {
  program
    .command('dashboard')
    .summary("a distributed queue's live dashboard (read-only unless --token is set)")
    .description(
      'Serves the dashboard of BullMQ queue --queue on Redis --redis: waiting, running,\n' +
        'completed, failed and retried jobs, throughput and run-time percentiles (every host\n' +
        'merged), and each worker host as a row (threads, health, last seen, stale or gone).\n' +
        'Read-only: with --token, the actions (pause, resume, cancel, retry) work for whoever\n' +
        'signs in with it. Also GET /stats (JSON) and /healthz.',
    )
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .requiredOption('--queue <name>', 'BullMQ queue name')
    .option('--prefix <prefix>', 'BullMQ key prefix (default "bull")')
    .option('-p, --port <n>', 'port to listen on (0: any free port)', integer(0), 3000)
    .option('--host <host>', 'interface to bind; anything but loopback needs --token', '127.0.0.1')
    .addOption(
      new Option(
        '--token <token>',
        'token to sign in with (bearer header or the login form); it also enables the actions',
      ).env('WORKPOOL_TOKEN'),
    )
    .action(async (flags: Flags) => {
      const cluster = clusterOf(undefined, flags) ?? never();
      const { serve } = await import('../server/index.js');
      let server: { url: string; close(): Promise<void> };
      try {
        server = await serve({
          cluster,
          port: flags.port,
          host: flags.host,
          readOnly: flags.token === undefined,
          ...(flags.token === undefined ? {} : { token: flags.token }),
        });
      } catch (error) {
        throw serveError(error, flags);
      }
      process.stdout.write(
        `workpool: dashboard of queue ${flags.queue} on ${server.url}/${flags.token === undefined ? ' (read-only)' : ''}\n`,
      );
      await stopSignal();
      await server.close();
      process.exitCode = 0;
    });
}

function never(): never {
  throw new UsageError('--redis needs --queue NAME');
}
