import type { DType, Tensor, TensorData } from '../tensor/tensor.js';
import { elementCount } from '../tensor/tensor.js';
import { allocate, byteWidth, toOipDatatype } from '../tensor/dtype.js';
import { MlError } from '../errors/ml-error.js';
import { formatShape, plural } from './format.js';

/**
 * Tensor data <-> the binary tensor extension's wire bytes: little-endian,
 * row-major, no padding; BOOL one byte 0/1; BYTES a 4-byte little-endian
 * length before each element. On little-endian hosts (every platform Node
 * ships for in practice) fixed-width data is used in place where it can be:
 * a view on the request body when aligned, one memcpy otherwise.
 */

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// fatal: BYTES elements become JS strings, so bytes that are not UTF-8 would be corrupted silently.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one input's bytes. `bytes` is exactly its `binary_data_size` slice of the body. */
export function decodeTensorBytes(bytes: Uint8Array, dtype: DType, shape: readonly number[], input: string): TensorData {
  const count = elementCount(shape);
  if (dtype === 'string') return decodeStrings(bytes, count, shape, input);
  const width = byteWidth(dtype) ?? 1;
  if (bytes.length !== count * width) {
    throw new MlError('INVALID_BINARY_PAYLOAD', {
      reason: `input "${input}" (${toOipDatatype(dtype)}, shape ${formatShape(shape)}) needs ${count * width} bytes but binary_data_size is ${bytes.length}`,
    });
  }
  // A typed array over the body's own bytes, when they can be read in place: little-endian
  // host, and the slice starts at a multiple of the element width (typed arrays require it).
  // The tensor then keeps the body's buffer alive for as long as it lives, which is what a
  // copy would cost anyway. The body is not reused after decoding, so sharing it is safe.
  if (HOST_LITTLE_ENDIAN && bytes.byteOffset % width === 0) {
    const data = typedView(dtype, bytes, count);
    if (dtype === 'bool') checkBools(bytes, input);
    return data;
  }
  // Misaligned (the JSON header's length decides where the slice starts) or big-endian: copy.
  const data = allocate(dtype, count) as Exclude<TensorData, string[]>;
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  view.set(bytes);
  if (!HOST_LITTLE_ENDIAN) swapBytes(view, width);
  if (dtype === 'bool') checkBools(view, input);
  return data;
}

type FixedWidthDType = Exclude<DType, 'string'>;

/** The typed array class tensor.ts assigns to each fixed-width dtype (float16 travels as Uint16 bits). */
const ARRAY_CLASS = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const satisfies Record<FixedWidthDType, unknown>;

/** `count` elements of `dtype` over `bytes` without copying; the offset must be aligned. */
function typedView(dtype: FixedWidthDType, bytes: Uint8Array, count: number): Exclude<TensorData, string[]> {
  // A request body is never a SharedArrayBuffer.
  return new ARRAY_CLASS[dtype](bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
}

function checkBools(bytes: Uint8Array, input: string): void {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b > 1) {
      throw new MlError('INVALID_BINARY_PAYLOAD', { reason: `BOOL element ${i} of input "${input}" is byte ${b}; expected 0 or 1` });
    }
  }
}

function decodeStrings(bytes: Uint8Array, count: number, shape: readonly number[], input: string): string[] {
  const fail = (what: string): MlError =>
    new MlError('INVALID_BINARY_PAYLOAD', {
      reason: `input "${input}" (BYTES, shape ${formatShape(shape)}, ${count} elements): ${what}`,
    });
  // Each element takes at least its 4-byte length: rejects huge declared shapes before allocating.
  if (count * 4 > bytes.length) throw fail(`binary_data_size ${bytes.length} is too small for ${count} length prefixes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<string>(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (pos + 4 > bytes.length) throw fail(`element ${i} is cut off before its 4-byte length`);
    const length = view.getUint32(pos, true);
    pos += 4;
    if (pos + length > bytes.length) throw fail(`element ${i} declares ${plural(length, 'byte')} but only ${bytes.length - pos} remain`);
    try {
      out[i] = UTF8.decode(bytes.subarray(pos, pos + length));
    } catch {
      throw fail(`element ${i} is not valid UTF-8 (binary BYTES elements must be text)`);
    }
    pos += length;
  }
  if (pos !== bytes.length) throw fail(`${plural(bytes.length - pos, 'byte')} left over after the last element`);
  return out;
}

/** The wire bytes of a tensor. Fixed-width data is a view (no copy) on little-endian hosts. */
export function encodeTensorBytes(tensor: Tensor): Uint8Array {
  const { data } = tensor;
  if (Array.isArray(data)) return encodeStrings(data);
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_LITTLE_ENDIAN) return view;
  const copy = view.slice();
  swapBytes(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

function encodeStrings(strings: readonly string[]): Buffer {
  let total = 0;
  for (const s of strings) total += 4 + Buffer.byteLength(s, 'utf8');
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const s of strings) {
    const written = out.write(s, pos + 4, 'utf8');
    out.writeUInt32LE(written, pos);
    pos += 4 + written;
  }
  return out;
}

/** In-place byte reversal of every `width`-byte element (big-endian hosts only). */
function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i < bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a] ?? 0;
      bytes[a] = bytes[b] ?? 0;
      bytes[b] = t;
    }
  }
}
