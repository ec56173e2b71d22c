import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** Where the figures were made, for the record. */
export function machine(): Record<string, string | number> {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memGB: Math.round(totalmem() / 2 ** 30),
    loadavg1mAtStart: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}
