// poolifier task module: a ThreadWorker with named task functions.
import { ThreadWorker } from 'poolifier';
import { busy, gate, noop } from './work.mjs';

export default new ThreadWorker({ noop, busy, gate });
