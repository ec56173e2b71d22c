/**
 * Awaits `promise` with the event loop held open. A pool's threads are unref'd while idle,
 * so without this, Node can exit (code 13, "unsettled top-level await") while a pool is
 * still shutting down: seen with ThreadPool after timed-out tasks (reported upstream).
 */
export async function keepAlive<T>(promise: Promise<T>): Promise<T> {
  const handle = setInterval(() => {}, 60_000);
  try {
    return await promise;
  } finally {
    clearInterval(handle);
  }
}
