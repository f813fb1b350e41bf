import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/tensor/tensor.js';
import { apply, expectClose, rejection, values } from './helpers.js';

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

/** A PNG, `width` x `height`, whose pixel (x, y) is `color(x, y)`, as base64. */
async function png(width: number, height: number, color: (x: number, y: number) => number[]): Promise<string> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(color(x, y), (y * width + x) * 3);
  const bytes = await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return bytes.toString('base64');
}

/** 4 x 2: the left half red, the right half blue. */
const redBlue = (): Promise<string> => png(4, 2, (x) => (x < 2 ? RED : BLUE));
/** 4 x 2: the left half blue, the right half red. */
const blueRed = (): Promise<string> => png(4, 2, (x) => (x < 2 ? BLUE : RED));

function images(...payloads: string[]): { image: Tensor } {
  return { image: { dtype: 'string', shape: [payloads.length], data: payloads } };
}

const base = { type: 'image', input: 'image', output: 'pixel_values', width: 4, height: 2 };

describe('image', () => {
  it('packs a batch as float32 NCHW scaled to 0..1, replacing the string input', async () => {
    const ctx = await apply([base], images(await redBlue(), await blueRed()));
    expect(Object.keys(ctx.tensors)).toEqual(['pixel_values']);
    const t = ctx.tensors.pixel_values;
    expect(t?.dtype).toBe('float32');
    expect(t?.shape).toEqual([2, 3, 2, 4]);
    const left = [1, 1, 0, 0];
    const right = [0, 0, 1, 1];
    const zeros = [0, 0, 0, 0];
    // Per image: R plane (2 rows of 4), G plane, B plane.
    expect(values(t)).toEqual([
      ...left, ...left, ...zeros, ...zeros, ...right, ...right, // red | blue
      ...right, ...right, ...zeros, ...zeros, ...left, ...left, // blue | red
    ]);
  });

  it('packs NHWC when asked', async () => {
    const ctx = await apply([{ ...base, layout: 'nhwc' }], images(await redBlue()));
    const t = ctx.tensors.pixel_values;
    expect(t?.shape).toEqual([1, 2, 4, 3]);
    const row = [1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1];
    expect(values(t)).toEqual([...row, ...row]);
  });

  it('normalizes with scale, then per-channel mean and std', async () => {
    const ctx = await apply(
      [{ ...base, layout: 'nhwc', scale: 1, mean: [127.5, 0, 127.5], std: [127.5, 1, 127.5] }],
      images(await redBlue()),
    );
    // Red pixel: ((255-127.5)/127.5, 0, (0-127.5)/127.5) = (1, 0, -1); blue: (-1, 0, 1).
    const row = [1, 0, -1, 1, 0, -1, -1, 0, 1, -1, 0, 1];
    expectClose(values(ctx.tensors.pixel_values), [...row, ...row]);
  });

  it('converts to grayscale with the ITU-R 601-2 luma PIL uses', async () => {
    const ctx = await apply([{ ...base, channels: 1 }], images(await redBlue()));
    expect(ctx.tensors.pixel_values?.shape).toEqual([1, 1, 2, 4]);
    // PIL convert("L"): red -> 76, blue -> 29.
    const row = [76, 76, 29, 29].map((v) => v / 255);
    expectClose(values(ctx.tensors.pixel_values), [...row, ...row], 6);
  });

  it('resizes to width x height', async () => {
    const ctx = await apply([{ ...base, width: 2, height: 1, kernel: 'nearest', layout: 'nhwc' }], images(await redBlue()));
    expect(ctx.tensors.pixel_values?.shape).toEqual([1, 1, 2, 3]);
    expect(values(ctx.tensors.pixel_values)).toEqual([1, 0, 0, 0, 0, 1]);
    const up = await apply([{ ...base, width: 8, height: 4, kernel: 'nearest', channels: 1, scale: 1 }], images(await redBlue()));
    expect(up.tensors.pixel_values?.shape).toEqual([1, 1, 4, 8]);
    expect(values(up.tensors.pixel_values)).toEqual(Array.from({ length: 4 }, () => [76, 76, 76, 76, 29, 29, 29, 29]).flat());
  });

  it('letterboxes with black for fit: contain and crops the centre for fit: cover', async () => {
    const contain = await apply(
      [{ ...base, width: 4, height: 4, fit: 'contain', kernel: 'nearest', channels: 1, scale: 1 }],
      images(await redBlue()),
    );
    const band = [76, 76, 29, 29];
    expect(values(contain.tensors.pixel_values)).toEqual([0, 0, 0, 0, ...band, ...band, 0, 0, 0, 0]);
    const cover = await apply(
      [{ ...base, width: 2, height: 2, fit: 'cover', kernel: 'nearest', channels: 1, scale: 1 }],
      images(await redBlue()),
    );
    expect(values(cover.tensors.pixel_values)).toEqual([76, 29, 76, 29]);
  });

  it('accepts data: URLs, JPEG and RGBA input', async () => {
    const rgba = await sharp({ create: { width: 4, height: 2, channels: 4, background: { r: 0, g: 255, b: 0, alpha: 0.2 } } })
      .png()
      .toBuffer();
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ffffff' } }).jpeg().toBuffer();
    const ctx = await apply(
      [{ ...base, layout: 'nhwc' }],
      images(`data:image/png;base64,${await redBlue()}`, rgba.toString('base64'), jpeg.toString('base64')),
    );
    const v = values(ctx.tensors.pixel_values);
    const per = 4 * 2 * 3;
    expect(v.slice(0, 3)).toEqual([1, 0, 0]);
    expect(v.slice(per, per + 3)).toEqual([0, 1, 0]); // alpha dropped, colour kept
    expectClose(v.slice(2 * per), new Array<number>(per).fill(1), 2);
  });

  it('rejects a payload that is not an image, naming the instance', async () => {
    for (const bad of ['not base64 at all!', Buffer.from('plain text').toString('base64'), 'data:text/plain,hello', '']) {
      const err = await rejection(apply([base], images(await redBlue(), bad)));
      expect(err.code).toBe('INVALID_DTYPE');
      expect(err.params).toEqual({ input: 'image', reason: 'instance 1 is not a decodable image' });
    }
  });

  it('refuses images over maxInputPixels before decoding them', async () => {
    const err = await rejection(apply([{ ...base, maxInputPixels: 4 }], images(await redBlue())));
    expect(err.code).toBe('INVALID_SHAPE');
    expect(err.params).toEqual({ input: 'image', reason: 'instance 0 is 4x2, more than 4 pixels' });
  });

  it('rejects a numeric input tensor and a missing input', async () => {
    const numeric = await rejection(apply([base], { image: { dtype: 'float32', shape: [1], data: new Float32Array(1) } }));
    expect(numeric.code).toBe('INVALID_DTYPE');
    expect(numeric.params.reason).toBe('preprocess[0] (image): expects a string tensor of base64 images, got float32');
    const missing = await rejection(apply([base], {}));
    expect(missing.code).toBe('MISSING_INPUT');
  });

  it('validates its options', async () => {
    const err = await rejection(apply([{ ...base, width: 0, channels: 2 }], {}));
    expect(err.code).toBe('INVALID_MANIFEST');
    expect(err.params.reason).toMatch(/^preprocess\[0\] \(image\): width: .*; channels: must be 1 \(grayscale\) or 3 \(RGB\)$/);
    const mean = await rejection(apply([{ ...base, mean: [0.5, 0.5] }], {}));
    expect(mean.params.reason).toBe('preprocess[0] (image): mean and std must have one value per channel (or a single value)');
  });

  it('decodes off the event loop: timers keep firing while a large batch decodes', async () => {
    // Noise does not compress, so decoding the PNG is real work.
    const noise = { type: 'gaussian', mean: 128, sigma: 30 } as const;
    const create = { width: 1200, height: 1200, channels: 3, noise, background: '#000' } as const;
    const big = (await sharp({ create }).png().toBuffer()).toString('base64');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await apply([{ ...base, width: 32, height: 32 }], images(big, big, big, big));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });
});
