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
