/** Observes a promise's settlement without awaiting it. */
export function track<T>(p: Promise<T>): {
  readonly settled: boolean;
  readonly promise: Promise<T>;
} {
  let settled = false;
  p.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  return {
    get settled() {
      return settled;
    },
    promise: p,
  };
}
