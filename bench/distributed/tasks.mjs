// Task module of the distributed bench: a no-op and ~10 ms of CPU (spins on the clock).
export function noop() {
  return 0;
}

export function cpu(ms = 10) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x++;
  return x > 0 ? 1 : 0;
}

/** CPU-bound and deaf to its signal: only killing its thread stops it. */
export function spin() {
  for (;;) {}
}

/** Waits until its signal aborts (a cooperative handler), or `ms`. */
export function idle(ms = 600_000, { signal }) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
