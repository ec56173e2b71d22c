// `group()` is one contract for Pool and ThreadPool (src/pool/base.ts): an ErrGroup whose
// functions run on the caller with the group's signal; the first error, or the parent
// signal, aborts it, which cancels every queued and running task that was given it;
// `limit` bounds the functions in flight. The same scenarios run against both pools.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool, TaskCancelledError, ThreadPool } from '../../src/index.js';

interface Kind {
  readonly name: string;
  /** A pool of two workers. */
  make(): Pool | ThreadPool;
  /** Runs a task that ends only when its signal aborts (rejecting with the reason). */
  hang(pool: Pool | ThreadPool, signal: AbortSignal): Promise<unknown>;
}

const echo = new URL('../fixtures/echo.ts', import.meta.url);
const untilAborted = ({ signal }: { signal: AbortSignal }): Promise<never> =>
  new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

const kinds: Kind[] = [
  {
    name: 'Pool',
    make: () => new Pool({ concurrency: 2 }),
    hang: (pool, signal) => (pool as Pool).run(untilAborted, { signal }),
  },
  {
    name: 'ThreadPool',
    make: () => new ThreadPool({ module: echo, minThreads: 2, maxThreads: 2 }),
    hang: (pool, signal) => (pool as ThreadPool).run('untilAborted', undefined, { signal }),
  },
];

/** Resolves once the pool has `running` tasks started and `queued` waiting. */
function reached(pool: Pool | ThreadPool, running: number, queued: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      const s = pool.stats();
      if (s.running !== running || s.queued !== queued) return;
      pool.off('start', check);
      resolve();
    };
    pool.on('start', check);
    // `submit` queues synchronously: a task that is queued only is seen on the next check.
    queueMicrotask(check);
  });
}

for (const kind of kinds) {
  describe(`${kind.name}.group()`, () => {
    it('the first error aborts the group: its running and queued tasks are cancelled', async () => {
      const pool = kind.make();
      try {
        const g = pool.group();
        const ends: Promise<unknown>[] = [];
        for (let i = 0; i < 3; i++) {
          void g.go((signal) => {
            const end = kind.hang(pool, signal);
            ends.push(end.catch((e: unknown) => e));
            return end;
          });
        }
        await reached(pool, 2, 1); // two run, the third waits for a worker
        const boom = new Error('boom');
        void g.go(() => {
          throw boom;
        });
        await assert.rejects(g.wait(), (e: unknown) => e === boom);
        assert.equal(g.signal.aborted, true);
        const outcomes = await Promise.all(ends);
        assert.equal(outcomes.length, 3);
        for (const o of outcomes) assert.ok(o instanceof TaskCancelledError, String(o));
        const report = await pool.close();
        assert.equal(report.cancelled, 3, 'two running and one queued task, cancelled');
        assert.equal(report.submitted, 3);
      } finally {
        await pool.close();
      }
    });

    it('`limit` bounds the functions in flight; the parent signal aborts the group', async () => {
      const pool = kind.make();
      try {
        const parent = new AbortController();
        const g = pool.group({ signal: parent.signal, limit: 1 });
        const seen: unknown[] = [];
        const started = g.go((signal) =>
          kind.hang(pool, signal).catch((e: unknown) => seen.push(e)),
        );
        const second = g.go((signal) =>
          kind.hang(pool, signal).catch((e: unknown) => seen.push(e)),
        );
        await started;
        await reached(pool, 1, 0);
        assert.equal(g.running, 1);
        assert.equal(g.pending, 1, 'the second function waits for the first');
        parent.abort(new Error('stop'));
        await second; // it starts once the first has ended, with the group's signal aborted
        await g.wait();
        assert.equal(seen.length, 2);
        for (const e of seen) assert.ok(e instanceof TaskCancelledError, String(e));
        const report = await pool.close();
        assert.equal(report.submitted, 1, 'a task given an aborted signal is not accepted');
        assert.equal(report.cancelled, 1);
      } finally {
        await pool.close();
      }
    });
  });
}
