/** PNG bytes <-> RGBA pixels, with pngjs (synchronous: it runs inside a worker thread). */
import { PNG } from 'pngjs';
import type { RgbaImage } from './filters.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decodes PNG bytes (any colour type and bit depth pngjs reads) to 8-bit RGBA. */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Say what the file is not before pngjs says what it could not parse.
  if (buffer.length < 8 || !buffer.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new TypeError(
      `Not a PNG image: it does not start with the PNG signature (${buffer.length} bytes)`,
    );
  }
  const png = PNG.sync.read(buffer);
  const { data } = png;
  // A plain Uint8Array view (not a Buffer), so results compare and clone like any other image.
  return {
    width: png.width,
    height: png.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/**
 * Encodes RGBA pixels as an 8-bit RGBA PNG. The result owns its whole `ArrayBuffer`, so it
 * can be transferred to another thread (Node's small Buffers share one pooled buffer).
 */
export function encodePng(image: RgbaImage): Uint8Array<ArrayBuffer> {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return ownBytes(PNG.sync.write(png));
}

/** `bytes`, or a copy when they are a view into a larger (possibly shared) buffer. */
export function ownBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const buffer = bytes.buffer;
  if (
    buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === buffer.byteLength
  ) {
    return new Uint8Array(buffer, 0, bytes.byteLength);
  }
  return new Uint8Array(bytes); // a copy (Buffer#slice would be a view)
}
