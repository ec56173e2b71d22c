/**
 * The image job as a pipeline: read (async file I/O on the main thread) → decode + filter
 * (a thread) → encode (a thread) → write (async I/O again). Every stage has its own
 * concurrency and a small buffer, so reading and writing overlap the threads' CPU work and
 * at most a few images are in memory at once, however many files there are. Bytes and pixels
 * move between the main thread and the threads without copies (`transfer`).
 *
 * A file that fails (unreadable, not a PNG) is a dead letter: reported through `onFailure`,
 * and the others go on. `stopped` (Ctrl-C) skips the files not yet read; the images already
 * read go through every stage and are written.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  type EncodedImage,
  type FilterName,
  type ImageTasks,
  movable,
} from '../../images/index.js';
import { ownBytes } from '../../images/png.js';
import { flatMap, map, type Pipeline, pipeline, type ThreadPool } from '../../index.js';

export interface ImagePipelineOptions {
  readonly threads: ThreadPool<ImageTasks>;
  /** Threads in the pool: each thread stage keeps that many tasks in flight. */
  readonly threadCount: number;
  readonly filters: readonly FilterName[];
  readonly radius?: number | undefined;
  /** Folder the filtered images are written to (it must exist). */
  readonly out: string;
  /** A file that failed, at whichever stage. */
  readonly onFailure: (file: string, error: unknown) => void;
  /** Files read, and written, at once. @default 2 */
  readonly io?: number;
  /** Checked before each file is read: once true, the files not yet read are skipped. */
  readonly stopped?: () => boolean;
}

/** What comes out: one entry per image written. */
export type Written = Pick<EncodedImage, 'name' | 'width' | 'height'>;

export function imagePipeline(files: Iterable<string>, o: ImagePipelineOptions): Pipeline<Written> {
  const io = o.io ?? 2;
  const filterOptions = {
    filters: o.filters,
    ...(o.radius === undefined ? {} : { radius: o.radius }),
  };
  return pipeline(
    files,
    flatMap(
      async (name: string) =>
        o.stopped?.() === true
          ? []
          : [{ name, png: ownBytes(await readFile(name)), ...filterOptions }],
      { concurrency: io, buffer: 1, ordered: false },
    ),
    {
      pool: o.threads,
      handler: 'filter',
      concurrency: o.threadCount,
      buffer: 1,
      // The read stage made the bytes own their ArrayBuffer (ownBytes).
      transfer: (input) => [input.png.buffer as ArrayBuffer],
    },
    {
      pool: o.threads,
      handler: 'encode',
      concurrency: o.threadCount,
      buffer: 1,
      transfer: (input) => movable(input.image),
    },
    map(
      async (encoded) => {
        await writeFile(join(o.out, basename(encoded.name)), encoded.png);
        return { name: encoded.name, width: encoded.width, height: encoded.height };
      },
      { concurrency: io, buffer: 1 },
    ),
    {
      ordered: false,
      onError: 'dead-letter',
      deadLetter: ({ item, error }) => o.onFailure(fileOf(item), error),
    },
  );
}

function fileOf(item: unknown): string {
  if (typeof item === 'string') return item;
  const name = (item as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : String(item);
}
