/**
 * Deficit round robin over keys (Shreedhar & Varghese), for a worker host choosing which
 * key's queue to take its next job from. The local FairQueue holds items; here the items
 * stay in Redis, so this holds only the keys that (as far as the host knows) have jobs
 * waiting, each with its weight and deficit. Every job costs one unit: on its turn a key's
 * deficit grows by its weight, and the key is served while the deficit holds a whole unit.
 * Over any run of picks while the same keys stay active, each key's count is within one
 * turn of its weight's share. A key found empty is removed (and its deficit dropped, as
 * DRR drops an idle queue's); it comes back at the end of the ring.
 */
interface Turn {
  readonly key: string;
  readonly weight: number;
  deficit: number;
  /** Its weight was added on this visit of the cursor. */
  visited: boolean;
}

export class Turns {
  readonly #weight: (key: string) => number;
  #ring: Turn[] = [];
  #cursor = 0;

  constructor(weight: (key: string) => number = () => 1) {
    this.#weight = weight;
  }

  get size(): number {
    return this.#ring.length;
  }

  has(key: string): boolean {
    return this.#ring.some((t) => t.key === key);
  }

  /** Marks `key` as having work (a no-op if it already has). */
  add(key: string): void {
    if (this.has(key)) return;
    this.#ring.push({ key, weight: this.#weight(key), deficit: 0, visited: false });
  }

  /** `key` has no work (for now). */
  remove(key: string): void {
    const i = this.#ring.findIndex((t) => t.key === key);
    if (i < 0) return;
    this.#ring.splice(i, 1);
    if (i < this.#cursor) this.#cursor--;
    if (this.#cursor >= this.#ring.length) this.#cursor = 0;
  }

  /** The key to serve next, or `undefined` when no key has work. */
  next(): string | undefined {
    const ring = this.#ring;
    if (ring.length === 0) return undefined;
    this.#skipIdleRounds();
    for (;;) {
      const t = ring[this.#cursor] as Turn;
      if (!t.visited) {
        t.deficit += t.weight;
        t.visited = true;
      }
      if (t.deficit >= 1) {
        t.deficit -= 1;
        return t.key;
      }
      t.visited = false;
      this.#cursor = (this.#cursor + 1) % ring.length;
    }
  }

  /**
   * Small weights (below 1) need several rounds before any key holds a unit: add those
   * rounds at once, so `next` never loops more than one round.
   */
  #skipIdleRounds(): void {
    // Visits each key needs before it holds a unit (a visit adds its weight once).
    let visits = Number.POSITIVE_INFINITY;
    for (const t of this.#ring)
      visits = Math.min(visits, Math.max(1, Math.ceil((1 - t.deficit) / t.weight)));
    if (visits <= 1 || visits === Number.POSITIVE_INFINITY) return;
    for (const t of this.#ring) t.deficit += (visits - 1) * t.weight;
  }
}
