/**
 * IEEE 754 half precision <-> JS number. Node 20 has neither Float16Array nor
 * Math.f16round, and FP16 tensors travel as raw Uint16 bits (see tensor.ts),
 * so JSON input/output of FP16 needs these conversions.
 */

// Scratch views to read a double's exponent bits without allocating.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // word holding sign+exponent

const TWO_POW_24 = 2 ** 24;

/** Rounds half to even, the IEEE default, so results match numpy's float16 cast. */
function roundHalfEven(x: number): number {
  const r = Math.floor(x);
  const diff = x - r;
  if (diff > 0.5 || (diff === 0.5 && r % 2 === 1)) return r + 1;
  return r;
}

// MANTISSA_SCALE[e + 14] = 1024 / 2^e: scales a value with exponent e to [1024, 2048) exactly.
const MANTISSA_SCALE = Array.from({ length: 30 }, (_, i) => 1024 / 2 ** (i - 14));

/** Converts a number to half-precision bits (round to nearest even; overflow gives ±Infinity). */
export function numberToFloat16Bits(value: number): number {
  if (value !== value) return 0x7e00; // NaN
  const sign = value < 0 || (value === 0 && 1 / value < 0) ? 0x8000 : 0;
  const abs = Math.abs(value);
  if (abs >= 65520) return sign | 0x7c00; // rounds past the largest half (65504): Infinity
  if (abs < 2 ** -14) {
    // Subnormal range: the value in units of 2^-24 is exact after a power-of-two scale.
    // A result of 1024 is the smallest normal, whose bit pattern is exactly 0x0400.
    return sign | roundHalfEven(abs * TWO_POW_24);
  }
  F64[0] = abs;
  const exponent = (((U32[HI] ?? 0) >>> 20) & 0x7ff) - 1023; // -14..15 here
  // Mantissa with the implicit 1, scaled to [1024, 2048): exact, then rounded once.
  const mantissa = roundHalfEven(abs * (MANTISSA_SCALE[exponent + 14] ?? 0));
  // A mantissa rounded up to 2048 carries into the exponent, which the addition does for free.
  return sign | (((exponent + 15) << 10) + (mantissa - 1024));
}

/** Converts half-precision bits to a number. */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** True when the half-precision bits encode NaN or ±Infinity. */
export function isFloat16NonFinite(bits: number): boolean {
  return (bits & 0x7c00) === 0x7c00;
}
