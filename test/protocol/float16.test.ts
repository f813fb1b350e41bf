import { describe, it, expect } from 'vitest';
import { float16BitsToNumber, isFloat16NonFinite, numberToFloat16Bits } from '../../src/protocol/float16.js';

describe('float16', () => {
  it('encodes well-known values like numpy', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [0.1, 0x2e66],
      [65504, 0x7bff],
      [65519, 0x7bff], // below the halfway point to 65536: still finite
      [65520, 0x7c00], // halfway rounds to even, which is Infinity
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // tie rounds to even (0)
      [3 * 2 ** -25, 0x0002], // 1.5 units rounds to even (2)
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
    ];
    for (const [value, bits] of cases) expect(numberToFloat16Bits(value), String(value)).toBe(bits);
    expect(numberToFloat16Bits(Number.NaN)).toBe(0x7e00);
  });

  it('rounds the mantissa half to even', () => {
    // 1 + 2^-11 is exactly halfway between 1 and the next half (1 + 2^-10): stays at 1.
    expect(numberToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even): goes up.
    expect(numberToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    // Just above halfway goes up, without double rounding through float32.
    expect(numberToFloat16Bits(1 + 2 ** -11 + 2 ** -40)).toBe(0x3c01);
  });

  it('round-trips every finite and infinite bit pattern exactly', () => {
    const mismatches: string[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16BitsToNumber(bits);
      const ok = Number.isNaN(value) ? isFloat16NonFinite(bits) : numberToFloat16Bits(value) === bits;
      if (!ok) mismatches.push(bits.toString(16));
    }
    expect(mismatches).toEqual([]);
  });

  it('flags NaN and Infinity patterns', () => {
    expect(isFloat16NonFinite(0x7c00)).toBe(true);
    expect(isFloat16NonFinite(0xfc00)).toBe(true);
    expect(isFloat16NonFinite(0x7e00)).toBe(true);
    expect(isFloat16NonFinite(0x7bff)).toBe(false);
  });
});
