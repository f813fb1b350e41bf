import type { PredictionBatch } from '../ports/event-log-batch.js';
import type { NumberWriter } from './encode-record.js';

/** A chunk's first sizes; later chunks start as big as the last one grew (a tiny model's line is ~250 bytes, 7 numbers). */
const FIRST_BYTES = 64 * 1024;
const FIRST_NUMBERS = 4096;

/**
 * The logger's buffer: batch lines as UTF-8 bytes and their numbers in a
 * Float64Array, in chunks of at most `batchSize` lines, each chunk one batch.
 * Bytes rather than the line strings because a string kept until the flush
 * (hundreds of ms at thousands of requests a second) survives young-generation
 * collections, is copied by each and promoted to the old generation: measured,
 * that cost more than writing the line out (~1.5 µs a record), which leaves
 * only short-lived garbage.
 */
export class LineBuffer {
  readonly #batchSize: number;
  #chunks: Chunk[] = [];
  #count = 0;
  #bytesHint = FIRST_BYTES;
  #numbersHint = FIRST_NUMBERS;

  constructor(batchSize: number) {
    this.#batchSize = batchSize;
  }

  /** Lines held. */
  get count(): number {
    return this.#count;
  }

  /**
   * Adds the line `encode` makes; the numbers it puts go with it. When encode
   * throws, nothing is added (its numbers are taken back) and the error passes on.
   */
  push(encode: (numbers: NumberWriter) => string): void {
    let chunk = this.#chunks.at(-1);
    if (chunk === undefined || chunk.count >= this.#batchSize) this.#chunks.push((chunk = new Chunk(this.#bytesHint, this.#numbersHint)));
    chunk.add(encode);
    this.#count++;
  }

  /** Removes the oldest chunk and gives it as a batch. */
  take(): PredictionBatch | undefined {
    const chunk = this.#chunks.shift();
    if (chunk === undefined) return undefined;
    this.#count -= chunk.count;
    // The next chunks start at the size this one reached: no growing, no copying.
    this.#bytesHint = Math.max(FIRST_BYTES, chunk.bytesUsed);
    this.#numbersHint = Math.max(FIRST_NUMBERS, chunk.numbersUsed);
    return chunk.batch();
  }

  clear(): void {
    this.#chunks = [];
    this.#count = 0;
  }
}

/** Buffer's own UTF-8 writer (what Buffer#write calls after checking its arguments). */
interface NativeWrite {
  utf8Write?(text: string, offset: number): number;
}

/**
 * Writes `text` at `offset`; returns the bytes written. Uses the native writer
 * when Node has it (it always has, but it is undocumented): Buffer#write's
 * argument checks cost as much as writing a short line.
 */
const writeUtf8: (bytes: Buffer, text: string, offset: number) => number =
  typeof (Buffer.prototype as NativeWrite).utf8Write === 'function'
    ? (bytes, text, offset) => (bytes as unknown as Required<NativeWrite>).utf8Write(text, offset)
    : (bytes, text, offset) => bytes.write(text, offset, 'utf8');

class Chunk implements NumberWriter {
  count = 0;
  #bytes: Buffer;
  #length = 0;
  #numbers: Float64Array;
  #numbersLength = 0;

  constructor(bytes: number, numbers: number) {
    this.#bytes = Buffer.allocUnsafe(bytes);
    this.#numbers = new Float64Array(numbers);
  }

  get bytesUsed(): number {
    return this.#length;
  }

  get numbersUsed(): number {
    return this.#numbersLength;
  }

  get size(): number {
    return this.#numbersLength;
  }

  truncate(size: number): void {
    if (size >= 0 && size < this.#numbersLength) this.#numbersLength = size;
  }

  put(value: number): number {
    const at = this.#numbersLength;
    if (at >= this.#numbers.length) this.#grow(at + 1);
    this.#numbers[at] = value;
    this.#numbersLength = at + 1;
    return at;
  }

  putAll(values: ArrayLike<number>): number {
    const start = this.#numbersLength;
    const end = start + values.length;
    if (end > this.#numbers.length) this.#grow(end);
    // A loop beats TypedArray.prototype.set for the few numbers of a typical row.
    if (values.length < 32) for (let i = 0, at = this.#numbersLength; i < values.length; i++) this.#numbers[at + i] = values[i] ?? NaN;
    else this.#numbers.set(values, this.#numbersLength);
    this.#numbersLength = end;
    return start;
  }

  #grow(atLeast: number): void {
    const grown = new Float64Array(Math.max(this.#numbers.length * 2, atLeast));
    grown.set(this.#numbers.subarray(0, this.#numbersLength));
    this.#numbers = grown;
  }

  add(encode: (numbers: NumberWriter) => string): void {
    const numbersBefore = this.#numbersLength;
    let line: string;
    try {
      line = encode(this);
    } catch (err) {
      this.#numbersLength = numbersBefore;
      throw err;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    const room = line.length * 3 + 1;
    if (this.#length + room > this.#bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#length + room));
      this.#bytes.copy(grown, 0, 0, this.#length);
      this.#bytes = grown;
    }
    if (this.count > 0) this.#bytes[this.#length++] = 0x0a;
    this.#length += writeUtf8(this.#bytes, line, this.#length);
    this.count++;
  }

  batch(): PredictionBatch {
    const text = this.#bytes.toString('utf8', 0, this.#length);
    return this.#numbersLength === 0 ? { count: this.count, text } : { count: this.count, text, numbers: this.#numbers.subarray(0, this.#numbersLength) };
  }
}
