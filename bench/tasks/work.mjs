// The work every peer's task module runs, so all do exactly the same thing.

/** Returns its input: the smallest round trip. */
export function noop(input) {
  return input;
}

/**
 * Fixed CPU work (not time-based, so threads sharing a core really do take longer).
 * `iterations` is calibrated by the parent to take about 25 ms on this machine.
 */
export function busy(iterations) {
  let x = 2463534242;
  let acc = 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    acc = (acc + (x >>> 0)) % 1000000007;
  }
  return acc;
}

/**
 * Blocks this thread until the main thread opens the gate: counts itself in at index 1,
 * then waits while index 0 is 0.
 */
export function gate(shared) {
  const cells = new Int32Array(shared);
  Atomics.add(cells, 1, 1);
  Atomics.notify(cells, 1);
  Atomics.wait(cells, 0, 0);
  return 0;
}
