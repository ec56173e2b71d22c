// tinypool (same shape as piscina) task module: named exports picked by `{ name }`.
export { busy, gate, noop } from './work.mjs';
