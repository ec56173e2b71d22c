import { PriorityQueue } from './priority.js';
import type { Keyed, TaskQueue } from './types.js';

interface Share<T extends Keyed> {
  readonly key: string;
  readonly queue: PriorityQueue<T>;
  readonly weight: number;
  /** Deficit round robin: items this key may still take in the current turn. */
  deficit: number;
  active: boolean;
}

/**
 * Fair share between keys by deficit round robin (Shreedhar & Varghese): keys with work
 * take turns; on each turn a key's deficit grows by its weight and it takes one item per
 * whole unit. Within a key, items keep priority order (and aging). A key flooding the queue
 * with 100,000 items delays another key's next item by at most one turn of every active key.
 */
export class FairQueue<T extends Keyed> implements TaskQueue<T> {
  readonly #shares = new Map<string, Share<T>>();
  #turns: Share<T>[] = [];
  #cursor = 0;
  #size = 0;
  readonly #agingInterval: number;
  readonly #weight: (key: string) => number;

  constructor(agingInterval: number, weight: (key: string) => number = () => 1) {
    this.#agingInterval = agingInterval;
    this.#weight = weight;
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    const key = item.key ?? '';
    let share = this.#shares.get(key);
    if (share === undefined) {
      share = {
        key,
        queue: new PriorityQueue<T>(this.#agingInterval),
        weight: this.#weight(key),
        deficit: 0,
        active: false,
      };
      this.#shares.set(key, share);
    }
    share.queue.push(item);
    this.#size++;
    if (!share.active) {
      share.active = true;
      this.#turns.push(share);
    }
  }

  shift(eligible?: (key: string) => boolean): T | undefined {
    if (this.#size === 0) return undefined;
    let skipped = 0;
    // Each pass either serves, or adds weight to a deficit, or skips an ineligible key;
    // give up once every key has been skipped in a row.
    for (;;) {
      if (this.#cursor >= this.#turns.length) this.#cursor = 0;
      const share = this.#turns[this.#cursor] as Share<T>;
      if (eligible !== undefined && !eligible(share.key)) {
        if (++skipped >= this.#turns.length) return undefined;
        this.#cursor++;
        continue;
      }
      skipped = 0;
      if (share.deficit < 1) share.deficit += share.weight;
      if (share.deficit < 1) {
        this.#cursor++;
        continue;
      }
      share.deficit -= 1;
      const item = share.queue.shift() as T;
      this.#size--;
      if (share.queue.size === 0) this.#retire(this.#cursor);
      else if (share.deficit < 1) this.#cursor++;
      return item;
    }
  }

  oldest(): T | undefined {
    let best: T | undefined;
    for (const share of this.#turns) {
      const item = share.queue.oldest();
      if (item !== undefined && (best === undefined || item.enqueuedAt < best.enqueuedAt))
        best = item;
    }
    return best;
  }

  lowest(): T | undefined {
    let worst: T | undefined;
    for (const share of this.#turns) {
      const item = share.queue.lowest();
      if (
        item !== undefined &&
        (worst === undefined ||
          item.priority < worst.priority ||
          (item.priority === worst.priority && item.enqueuedAt > worst.enqueuedAt))
      ) {
        worst = item;
      }
    }
    return worst;
  }

  remove(item: T): boolean {
    const share = this.#shares.get(item.key ?? '');
    if (share === undefined || !share.queue.remove(item)) return false;
    this.#size--;
    if (share.queue.size === 0) this.#retire(this.#turns.indexOf(share));
    return true;
  }

  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  /** An emptied key leaves the rotation and forgets its deficit (DRR's rule for idle flows). */
  #retire(index: number): void {
    const share = this.#turns[index] as Share<T>;
    share.active = false;
    share.deficit = 0;
    this.#turns.splice(index, 1);
    if (index < this.#cursor) this.#cursor--;
    this.#shares.delete(share.key);
  }
}
