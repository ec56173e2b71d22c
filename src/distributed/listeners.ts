/**
 * A tiny typed event emitter for the distributed pool and worker. A throwing listener is
 * reported on the next tick (as Node's EventEmitter would) and never breaks delivery.
 */
export class Listeners<E extends object> {
  readonly #map = new Map<keyof E, ((event: never) => void)[]>();

  on<K extends keyof E>(event: K, listener: (e: E[K]) => void): void {
    this.#map.set(event, [...(this.#map.get(event) ?? []), listener as (event: never) => void]);
  }

  off<K extends keyof E>(event: K, listener: (e: E[K]) => void): void {
    const list = this.#map.get(event)?.filter((l) => l !== listener);
    if (list === undefined || list.length === 0) this.#map.delete(event);
    else this.#map.set(event, list);
  }

  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const list = this.#map.get(event);
    if (list === undefined) return;
    for (const listener of list) {
      try {
        (listener as (e: E[K]) => void)(payload);
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      }
    }
  }
}
