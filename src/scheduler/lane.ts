import { noTaskOptions } from './options.js';
import { type Sink, TaskRecord } from './task.js';

/**
 * Plain tasks waiting in the backlog without a record: those with no task options whose
 * caller keeps only the promise (`Pool.run(fn)`, `ThreadPool.run(name, input)`). A burst
 * of them is the common way to fill a queue, and a record (task.ts) is several times the
 * size of an entry here: three references and two numbers in chunks of 1,024 (no copying
 * as it grows). Each one becomes a
 * `TaskRecord`, exactly as it would have been made at admission, when it leaves
 * (`shift`): to start, or to be settled by close, terminate or an overflow policy.
 *
 * FIFO only, so the backlog keeps it only while no record is queued (see backlog.ts).
 */
export class Lane<P> {
  /** Chunks of entries, oldest first; pushed into the last, shifted from the first. */
  #chunks: Chunk[] = [];
  #first = 0;
  /** Next entry to shift in the first chunk, next to fill in the last. */
  #head = 0;
  #tail = CHUNK;
  #size = 0;
  /** One emptied chunk kept for reuse, so a lane that fills and empties allocates nothing. */
  #spare: Chunk | undefined;

  get size(): number {
    return this.#size;
  }

  push(id: number, payload: P, sink: Sink, promise: Promise<unknown>, since: number): void {
    if (this.#tail === CHUNK) {
      this.#chunks.push(this.#spare ?? newChunk());
      this.#spare = undefined;
      this.#tail = 0;
    }
    const chunk = this.#chunks[this.#chunks.length - 1] as Chunk;
    const i = this.#tail++;
    const refs = chunk.refs;
    // A new chunk grows as it fills (no up-front fill); a reused one is written in place.
    if (refs.length === i * 3) refs.push(payload, sink, promise);
    else {
      refs[i * 3] = payload;
      refs[i * 3 + 1] = sink;
      refs[i * 3 + 2] = promise;
    }
    chunk.nums[i * 2] = id;
    chunk.nums[i * 2 + 1] = since;
    this.#size++;
  }

  /** The oldest entry as the record admission would have made (QUEUED), or undefined. */
  shift(): TaskRecord<P> | undefined {
    if (this.#size === 0) return undefined;
    const chunk = this.#chunks[this.#first] as Chunk;
    const i = this.#head++;
    const refs = chunk.refs;
    const record = new TaskRecord<P>(
      chunk.nums[i * 2] as number,
      refs[i * 3] as P,
      noTaskOptions,
      refs[i * 3 + 1] as Sink,
      false,
    );
    record.since = chunk.nums[i * 2 + 1] as number;
    record.promise = refs[i * 3 + 2] as Promise<unknown>;
    refs[i * 3] = undefined;
    refs[i * 3 + 1] = undefined;
    refs[i * 3 + 2] = undefined;
    this.#size--;
    if (this.#size === 0) {
      // Empty: start over in the chunk in hand, the others go.
      this.#chunks = [chunk];
      this.#first = 0;
      this.#head = 0;
      this.#tail = 0;
    } else if (this.#head === CHUNK) {
      this.#chunks[this.#first++] = EMPTY;
      this.#spare = chunk;
      this.#head = 0;
      if (this.#first > 64 && this.#first * 2 > this.#chunks.length) {
        this.#chunks = this.#chunks.slice(this.#first);
        this.#first = 0;
      }
    }
    return record;
  }
}

/** Entries per chunk. */
const CHUNK = 1024;

interface Chunk {
  /** payload, sink, promise per entry. */
  readonly refs: unknown[];
  /** id, admission time per entry. */
  readonly nums: Float64Array;
}

function newChunk(): Chunk {
  return { refs: [], nums: new Float64Array(CHUNK * 2) };
}

const EMPTY: Chunk = { refs: [], nums: new Float64Array(0) };
