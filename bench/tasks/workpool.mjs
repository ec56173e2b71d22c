// workpool ThreadPool task module: named exports are handlers `(input, ctx)`.
export { busy, gate, noop } from './work.mjs';
