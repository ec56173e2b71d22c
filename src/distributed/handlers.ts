/**
 * What a pool knows of the worker hosts: their adverts as last read (at most
 * `advertInterval` ms old when a submit looks), so an unknown handler name is refused at
 * submit once some host has advertised its handlers. Reads are shared: however many
 * submits find the adverts stale at once, Redis is read once.
 */
import type { Redis } from 'ioredis';
import { UnknownHandlerError } from '../index.js';
import { type AdvertRecord, readAdverts } from './adverts.js';
import type { Keys } from './keys.js';

export class KnownHandlers {
  readonly #interval: number;
  #adverts: readonly AdvertRecord[] = [];
  #at = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | undefined;

  constructor(advertInterval: number) {
    this.#interval = advertInterval;
  }

  get adverts(): readonly AdvertRecord[] {
    return this.#adverts;
  }

  /** Reads the adverts now (one read for every caller meanwhile); a failed read keeps the last. */
  refresh(client: Redis, keys: Keys): Promise<void> {
    this.#reading ??= readAdverts(client, keys)
      .then(
        (adverts) => {
          this.#adverts = adverts;
          this.#at = performance.now();
        },
        () => {},
      )
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }

  /** Adverts as of at most `advertInterval` ago; an unknown name is looked up afresh. */
  async fresh(client: Redis, keys: Keys, name: string): Promise<void> {
    if (!this.knows(name) || performance.now() - this.#at > this.#interval)
      await this.refresh(client, keys);
  }

  /** True while no host has advertised, or some host runs `name`. */
  knows(name: string): boolean {
    if (this.#adverts.length === 0) return true;
    return this.#adverts.some((a) => a.handlers.includes(name));
  }

  /** Throws `UnknownHandlerError` for a name no advertising host runs. */
  check(name: string): void {
    if (this.knows(name)) return;
    const available = [...new Set(this.#adverts.flatMap((a) => a.handlers))].sort();
    throw new UnknownHandlerError(name, available);
  }
}
