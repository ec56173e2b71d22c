// workerpool task module: handlers registered by name.
import workerpool from 'workerpool';
import { busy, gate, noop } from './work.mjs';

workerpool.worker({ noop, busy, gate });
