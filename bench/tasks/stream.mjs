// Task module of bench/stream.ts: a generator of n small values, and one value per task.
export async function* numbers(n) {
  for (let i = 0; i < n; i++) yield i;
}

export function one(i) {
  return i;
}
