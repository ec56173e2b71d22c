export { type AfterClock, type AfterOptions, after } from './after.js';
export { Channel, type ReceiveResult } from './channel.js';
export { ErrGroup, type ErrGroupOptions, type ErrGroupRun } from './err-group.js';
export {
  type DefaultCase,
  type ReceiveCase,
  type ReceiveHandler,
  type SelectCase,
  type Selected,
  type SendCase,
  type SendHandler,
  select,
} from './select.js';
export { Semaphore } from './semaphore.js';
export type { SignalOptions } from './signal.js';
export { WaitGroup } from './wait-group.js';
