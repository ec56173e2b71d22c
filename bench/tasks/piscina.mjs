// piscina / tinypool task module: named exports picked by `{ name }`.
export { busy, gate, noop } from './work.mjs';
