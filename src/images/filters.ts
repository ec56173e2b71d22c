/**
 * Pure image filters on RGBA pixels. Every filter returns a new image and leaves its input
 * untouched, so they compose and test without fixtures. No pool, no I/O, no pngjs here.
 */

/** An RGBA image, 8 bits per channel, rows top to bottom: `data.length === width * height * 4`. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** The filters `applyFilters` and the `process` task handler know, in the order given. */
export const filterNames = ['grayscale', 'sepia', 'invert', 'blur'] as const;
export type FilterName = (typeof filterNames)[number];

/** Options for filters that take parameters. */
export interface FilterOptions {
  /** Box blur radius in pixels: each pixel averages a (2r+1)² square. @default 2 */
  readonly radius?: number;
}

export const defaultBlurRadius = 2;

/** An image of `width` x `height`, every pixel set to `rgba`. */
export function solidImage(
  width: number,
  height: number,
  rgba: readonly [number, number, number, number],
): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width, height, data };
}

/** Luma (ITU-R BT.601) into R, G and B; alpha kept. Afterwards R = G = B for every pixel. */
export function grayscale(image: RgbaImage): RgbaImage {
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const y = Math.round(0.299 * at(src, i) + 0.587 * at(src, i + 1) + 0.114 * at(src, i + 2));
    out[i] = y;
    out[i + 1] = y;
    out[i + 2] = y;
    out[i + 3] = at(src, i + 3);
  }
  return { width: image.width, height: image.height, data: out };
}

/** The classic sepia tone matrix; alpha kept. */
export function sepia(image: RgbaImage): RgbaImage {
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const r = at(src, i);
    const g = at(src, i + 1);
    const b = at(src, i + 2);
    out[i] = clamp(0.393 * r + 0.769 * g + 0.189 * b);
    out[i + 1] = clamp(0.349 * r + 0.686 * g + 0.168 * b);
    out[i + 2] = clamp(0.272 * r + 0.534 * g + 0.131 * b);
    out[i + 3] = at(src, i + 3);
  }
  return { width: image.width, height: image.height, data: out };
}

/** 255 - value for R, G and B; alpha kept. Applying it twice gives the input back. */
export function invert(image: RgbaImage): RgbaImage {
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    out[i] = 255 - at(src, i);
    out[i + 1] = 255 - at(src, i + 1);
    out[i + 2] = 255 - at(src, i + 2);
    out[i + 3] = at(src, i + 3);
  }
  return { width: image.width, height: image.height, data: out };
}

/**
 * Box blur of all four channels: each pixel becomes the mean of the (2r+1)² square around
 * it, edges clamped (the border pixel repeats). Separable, with running sums, so the cost
 * does not depend on the radius. A uniform image comes back unchanged.
 */
export function boxBlur(image: RgbaImage, radius: number = defaultBlurRadius): RgbaImage {
  if (!Number.isInteger(radius) || radius < 0) {
    throw new RangeError(`Expected \`radius\` to be an integer from 0 and up, got \`${radius}\``);
  }
  const { width, height } = image;
  if (radius === 0 || width === 0 || height === 0) {
    return { width, height, data: new Uint8Array(image.data) };
  }
  const tmp = new Uint8Array(image.data.length);
  blurRows(image.data, tmp, width, height, radius);
  const out = new Uint8Array(image.data.length);
  blurColumns(tmp, out, width, height, radius);
  return { width, height, data: out };
}

// Both passes keep a running sum over the window and round with integer arithmetic:
// round(sum / size) === floor((2 * sum + size) / (2 * size)), exact for a uniform window.

/** Horizontal pass: each row on its own, 4 channels at once, edges clamped. */
function blurRows(
  src: Uint8Array,
  dst: Uint8Array,
  width: number,
  height: number,
  r: number,
): void {
  const size = 2 * r + 1;
  const sums = new Int32Array(4);
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    const last = row + (width - 1) * 4;
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let k = -r; k <= r; k++)
        sum += at(src, (k < 0 ? row : k < width ? row + k * 4 : last) + c);
      sums[c] = sum;
    }
    for (let x = 0; x < width; x++) {
      const o = row + x * 4;
      const add = x + r + 1 < width ? row + (x + r + 1) * 4 : last;
      const sub = x - r > 0 ? row + (x - r) * 4 : row;
      for (let c = 0; c < 4; c++) {
        const sum = sums[c] ?? 0;
        dst[o + c] = Math.floor((2 * sum + size) / (2 * size));
        sums[c] = sum + at(src, add + c) - at(src, sub + c);
      }
    }
  }
}

/** Vertical pass, row by row (cache-friendly): one running sum per column and channel. */
function blurColumns(
  src: Uint8Array,
  dst: Uint8Array,
  width: number,
  height: number,
  r: number,
): void {
  const size = 2 * r + 1;
  const stride = width * 4;
  const sums = new Int32Array(stride);
  const rowAt = (y: number): number => (y < 0 ? 0 : y < height ? y : height - 1) * stride;
  for (let k = -r; k <= r; k++) {
    const row = rowAt(k);
    for (let i = 0; i < stride; i++) sums[i] = (sums[i] ?? 0) + at(src, row + i);
  }
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    const add = rowAt(y + r + 1);
    const sub = rowAt(y - r);
    for (let i = 0; i < stride; i++) {
      const sum = sums[i] ?? 0;
      dst[o + i] = Math.floor((2 * sum + size) / (2 * size));
      sums[i] = sum + at(src, add + i) - at(src, sub + i);
    }
  }
}

/** Runs `filters` left to right. An empty list returns a copy. */
export function applyFilters(
  image: RgbaImage,
  filters: readonly FilterName[],
  options: FilterOptions = {},
): RgbaImage {
  if (filters.length === 0) return { ...image, data: new Uint8Array(image.data) };
  let current = image;
  for (const name of filters) current = applyFilter(current, name, options);
  return current;
}

function applyFilter(image: RgbaImage, name: FilterName, options: FilterOptions): RgbaImage {
  switch (name) {
    case 'grayscale':
      return grayscale(image);
    case 'sepia':
      return sepia(image);
    case 'invert':
      return invert(image);
    case 'blur':
      return boxBlur(image, options.radius ?? defaultBlurRadius);
    default:
      throw new RangeError(
        `Unknown filter \`${String(name)}\`; expected one of ${filterNames.join(', ')}`,
      );
  }
}

/** Checks a list of filter names (e.g. from a command line: `'grayscale,blur'`). */
export function parseFilters(value: string | readonly string[]): FilterName[] {
  const names = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : [...value];
  return names
    .filter((s) => s !== '')
    .map((s) => {
      if (!isFilterName(s)) {
        throw new RangeError(`Unknown filter \`${s}\`; expected one of ${filterNames.join(', ')}`);
      }
      return s;
    });
}

export function isFilterName(value: unknown): value is FilterName {
  return typeof value === 'string' && (filterNames as readonly string[]).includes(value);
}

function at(data: Uint8Array, i: number): number {
  return data[i] ?? 0;
}

function clamp(v: number): number {
  return v >= 255 ? 255 : Math.round(v);
}
