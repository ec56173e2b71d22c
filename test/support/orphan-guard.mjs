// Preloaded (`--import`) into every child a test spawns through test/support/children.ts:
// fd 3 is a pipe whose other end only the test process holds. When the test process goes
// away, however it dies (even SIGKILL), the pipe ends and this child kills itself, so no
// test ever leaves a process behind. Only the main thread watches (threads inherit --import).
import { Socket } from 'node:net';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const parent = new Socket({ fd: 3, readable: true, writable: false });
  const die = () => process.kill(process.pid, 'SIGKILL');
  parent.on('end', die);
  parent.on('close', die);
  parent.on('error', die);
  parent.resume();
  parent.unref();
}
