import { RingBuffer } from '../sync/ring-buffer.js';
import type { Rankable, TaskQueue } from './types.js';

interface Level<T> {
  readonly priority: number;
  readonly ring: RingBuffer<T>;
}

/**
 * Priority queue: higher `priority` first, FIFO among equals, with optional aging.
 *
 * Aging: an item's effective priority grows by 1 for every `agingInterval` ms it waits, so
 * it ranks by `priority - enqueuedAt / agingInterval`, a key that does not change with time.
 * Hence the bound the scheduler documents: an item of priority p queued at t runs before
 * anything of priority p' queued after t + (p' - p) * agingInterval.
 *
 * Items of one priority are kept in a FIFO ring (FIFO order is rank order within a level),
 * so push is O(1) and shift is O(levels): one ring, the common case, costs as a plain FIFO.
 */
export class PriorityQueue<T extends Rankable> implements TaskQueue<T> {
  /** Levels, highest priority first. */
  #levels: Level<T>[] = [];
  #byPriority = new Map<number, Level<T>>();
  #size = 0;
  readonly #agingInterval: number;

  /** @param agingInterval ms of waiting worth one priority step; `Infinity` disables aging. */
  constructor(agingInterval = Number.POSITIVE_INFINITY) {
    this.#agingInterval = agingInterval;
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    let level = this.#byPriority.get(item.priority);
    if (level === undefined) {
      level = { priority: item.priority, ring: new RingBuffer<T>() };
      this.#byPriority.set(item.priority, level);
      let i = this.#levels.length;
      while (i > 0 && (this.#levels[i - 1] as Level<T>).priority < item.priority) i--;
      this.#levels.splice(i, 0, level);
    }
    level.ring.push(item);
    this.#size++;
  }

  shift(): T | undefined {
    const level = this.#next();
    if (level === undefined) return undefined;
    this.#size--;
    return level.ring.shift();
  }

  peek(): T | undefined {
    return this.#next()?.ring.peek();
  }

  oldest(): T | undefined {
    let best: T | undefined;
    for (const level of this.#levels) {
      const head = level.ring.peek();
      if (head !== undefined && (best === undefined || head.enqueuedAt < best.enqueuedAt))
        best = head;
    }
    return best;
  }

  lowest(): T | undefined {
    if (this.#agingInterval === Number.POSITIVE_INFINITY) {
      for (let i = this.#levels.length - 1; i >= 0; i--) {
        const tail = (this.#levels[i] as Level<T>).ring.last();
        if (tail !== undefined) return tail;
      }
      return undefined;
    }
    // With aging, the level tails are the candidates: the newest of each level ranks lowest in it.
    let worst: T | undefined;
    let worstRank = Number.POSITIVE_INFINITY;
    for (const level of this.#levels) {
      const tail = level.ring.last();
      if (tail === undefined) continue;
      const rank = level.priority - tail.enqueuedAt / this.#agingInterval;
      if (
        rank < worstRank ||
        (rank === worstRank && worst !== undefined && tail.enqueuedAt > worst.enqueuedAt)
      ) {
        worst = tail;
        worstRank = rank;
      }
    }
    return worst;
  }

  remove(item: T): boolean {
    const level = this.#byPriority.get(item.priority);
    if (level === undefined || !level.ring.remove(item)) return false;
    this.#size--;
    return true;
  }

  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  /** The level whose head item ranks highest. */
  #next(): Level<T> | undefined {
    if (this.#size === 0) return undefined;
    const aging = this.#agingInterval;
    let best: Level<T> | undefined;
    let bestRank = Number.NEGATIVE_INFINITY;
    let bestAt = Number.POSITIVE_INFINITY;
    for (const level of this.#levels) {
      const head = level.ring.peek();
      if (head === undefined) continue;
      // Without aging, levels are sorted: the first non-empty one wins.
      if (aging === Number.POSITIVE_INFINITY) return level;
      const rank = level.priority - head.enqueuedAt / aging;
      if (rank > bestRank || (rank === bestRank && head.enqueuedAt < bestAt)) {
        best = level;
        bestRank = rank;
        bestAt = head.enqueuedAt;
      }
    }
    return best;
  }
}
