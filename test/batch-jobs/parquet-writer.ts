import { writeFileSync } from 'node:fs';

/**
 * A minimal Parquet writer for test fixtures (no writer is installed):
 * one row group, required columns, PLAIN encoding, uncompressed, data page v1.
 * Strings are BYTE_ARRAY (UTF8), numbers DOUBLE. Spec: github.com/apache/parquet-format.
 */
export function writeParquet(file: string, columns: Readonly<Record<string, readonly (string | number)[]>>): void {
  const names = Object.keys(columns);
  const numRows = columns[names[0] as string]?.length ?? 0;
  const parts: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const chunks: { name: string; type: number; offset: number; size: number }[] = [];
  for (const name of names) {
    const values = columns[name] as readonly (string | number)[];
    const isString = typeof values[0] === 'string';
    const data = Buffer.concat(values.map((v) => (isString ? byteArray(String(v)) : double(Number(v)))));
    const header = struct([
      [1, i32(0)], // DATA_PAGE
      [2, i32(data.length)],
      [3, i32(data.length)],
      [5, struct([[1, i32(numRows)], [2, i32(0)], [3, i32(3)], [4, i32(3)]])],
    ]);
    chunks.push({ name, type: isString ? 6 : 5, offset, size: header.bytes.length + data.length });
    parts.push(header.bytes, data);
    offset += header.bytes.length + data.length;
  }
  const schema = [
    struct([[4, binary('schema')], [5, i32(names.length)]]),
    ...chunks.map((c) => struct([[1, i32(c.type)], [3, i32(0)], [4, binary(c.name)], ...(c.type === 6 ? ([[6, i32(0)]] as Field[]) : [])])),
  ];
  const columnChunks = chunks.map((c) =>
    struct([
      [2, i64(c.offset)],
      [
        3,
        struct([
          [1, i32(c.type)],
          [2, list(5, [i32(0)])],
          [3, list(8, [binary(c.name)])],
          [4, i32(0)],
          [5, i64(numRows)],
          [6, i64(c.size)],
          [7, i64(c.size)],
          [9, i64(c.offset)],
        ]),
      ],
    ]),
  );
  const total = chunks.reduce((n, c) => n + c.size, 0);
  const meta = struct([
    [1, i32(1)],
    [2, list(12, schema)],
    [3, i64(numRows)],
    [4, list(12, [struct([[1, list(12, columnChunks)], [2, i64(total)], [3, i64(numRows)]])])],
  ]).bytes;
  const length = Buffer.alloc(4);
  length.writeUInt32LE(meta.length);
  parts.push(meta, length, Buffer.from('PAR1'));
  writeFileSync(file, Buffer.concat(parts));
}

/** A Thrift compact-protocol value: its type id and bytes. */
interface Value {
  readonly type: number;
  readonly bytes: Buffer;
}
type Field = [number, Value];

function varint(n: bigint): Buffer {
  const out: number[] = [];
  let v = n;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

const zigzag = (n: number): bigint => (BigInt(n) << 1n) ^ (BigInt(n) >> 63n);
const i32 = (n: number): Value => ({ type: 5, bytes: varint(zigzag(n)) });
const i64 = (n: number): Value => ({ type: 6, bytes: varint(zigzag(n)) });
const binary = (s: string): Value => {
  const b = Buffer.from(s, 'utf8');
  return { type: 8, bytes: Buffer.concat([varint(BigInt(b.length)), b]) };
};

function list(elemType: number, items: readonly Value[]): Value {
  const head = items.length < 15 ? Buffer.from([(items.length << 4) | elemType]) : Buffer.concat([Buffer.from([0xf0 | elemType]), varint(BigInt(items.length))]);
  return { type: 9, bytes: Buffer.concat([head, ...items.map((i) => i.bytes)]) };
}

function struct(fields: readonly Field[]): Value {
  const out: Buffer[] = [];
  let last = 0;
  for (const [id, value] of fields) {
    out.push(Buffer.from([((id - last) << 4) | value.type]), value.bytes);
    last = id;
  }
  out.push(Buffer.from([0]));
  return { type: 12, bytes: Buffer.concat(out) };
}

function double(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
}

function byteArray(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(b.length);
  return Buffer.concat([len, b]);
}
