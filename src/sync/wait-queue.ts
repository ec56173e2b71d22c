/**
 * A FIFO of waiters with O(1) push, shift and removal from anywhere: an aborted or withdrawn
 * waiter is unlinked through the node `push` returned, without scanning the queue.
 * Internal to `sync/`.
 */
export interface WaitNode<T> {
  readonly value: T;
  prev: WaitNode<T> | undefined;
  next: WaitNode<T> | undefined;
  /** False once shifted or removed, so removal is idempotent. */
  linked: boolean;
}

export class WaitQueue<T> {
  #head: WaitNode<T> | undefined;
  #tail: WaitNode<T> | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(value: T): WaitNode<T> {
    const node: WaitNode<T> = { value, prev: this.#tail, next: undefined, linked: true };
    if (this.#tail === undefined) this.#head = node;
    else this.#tail.next = node;
    this.#tail = node;
    this.#size++;
    return node;
  }

  /** The oldest node, still queued. */
  peek(): WaitNode<T> | undefined {
    return this.#head;
  }

  /** Unlinks and returns the oldest node. */
  shift(): WaitNode<T> | undefined {
    const node = this.#head;
    if (node !== undefined) this.remove(node);
    return node;
  }

  /** Unlinks `node`; false when it was already gone. */
  remove(node: WaitNode<T>): boolean {
    if (!node.linked) return false;
    node.linked = false;
    if (node.prev === undefined) this.#head = node.next;
    else node.prev.next = node.next;
    if (node.next === undefined) this.#tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = undefined;
    node.next = undefined;
    this.#size--;
    return true;
  }
}
