/**
 * Float64 arrays as the prediction log file stores them: 8 bytes each,
 * little-endian whatever the machine (the file may move between machines).
 */

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** The bytes of `values`, little-endian (shared with `values` on a little-endian machine: no copy). */
export function floatBytes(values: Float64Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const bytes = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) bytes.writeDoubleLE(values[i] ?? NaN, i * 8);
  return bytes;
}

/** The numbers of stored bytes, in a new array (SQLite's buffer need not be 8-byte aligned for a view). */
export function bytesFloats(bytes: Uint8Array): Float64Array {
  if (LITTLE_ENDIAN) return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float64Array.from({ length: Math.floor(bytes.byteLength / 8) }, (_, i) => view.getFloat64(i * 8, true));
}
