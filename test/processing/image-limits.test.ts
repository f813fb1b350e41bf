import sharp from 'sharp';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Tensor } from '../../src/tensor/tensor.js';
import type * as DecodeModule from '../../src/processing/image/decode.js';
import { apply, rejection } from './helpers.js';

// Counts real decodes, to show what is refused is refused before any decoding (or allocation) starts.
const decodes = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/processing/image/decode.js', async (importOriginal) => {
  const original = await importOriginal<typeof DecodeModule>();
  return {
    ...original,
    decodeImage: (...args: Parameters<typeof original.decodeImage>) => {
      decodes.count++;
      return original.decodeImage(...args);
    },
  };
});

function images(payloads: string[]): { image: Tensor } {
  return { image: { dtype: 'string', shape: [payloads.length], data: payloads } };
}

const tiny = async (): Promise<string> =>
  (await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).png().toBuffer()).toString('base64');

const base = { type: 'image', input: 'image', output: 'pixel_values', width: 4, height: 2 };

describe('image: batch limits', () => {
  beforeEach(() => {
    decodes.count = 0;
  });

  it('refuses a batch whose output tensor is over the default 256 MB before decoding anything', async () => {
    // 600 x 224 x 224 x 3 x 4 bytes = 344.5 MiB from a few KB of JSON.
    const png = await tiny();
    const err = await rejection(apply([{ ...base, width: 224, height: 224 }], images(new Array<string>(600).fill(png))));
    expect(err.code).toBe('INVALID_SHAPE');
    expect(err.status).toBe(400);
    expect(err.params).toEqual({
      input: 'image',
      reason: '600 images of 224x224x3 need 344.5 MB, over the step limit of 256 MB',
    });
    expect(decodes.count).toBe(0);
  });

  it('refuses empty payloads by size, not by allocating gigabytes first', async () => {
    const err = await rejection(apply([{ ...base, width: 224, height: 224 }], images(new Array<string>(10_000).fill(''))));
    expect(err.code).toBe('INVALID_SHAPE');
    expect(err.params.reason).toBe('10000 images of 224x224x3 need 5742.2 MB, over the step limit of 256 MB');
  });

  it('answers 400 rather than a RangeError for millions of rows', async () => {
    const err = await rejection(apply([{ ...base, width: 224, height: 224 }], images(new Array<string>(2_000_000).fill(''))));
    expect(err.code).toBe('INVALID_SHAPE');
    expect(err.status).toBe(400);
  });

  it('takes maxBatchBytes from the step options', async () => {
    const png = await tiny();
    // 4 x 2 x 3 x 4 = 96 bytes per image.
    const ok = await apply([{ ...base, maxBatchBytes: 960 }], images(new Array<string>(10).fill(png)));
    expect(ok.tensors.pixel_values?.shape).toEqual([10, 3, 2, 4]);
    const err = await rejection(apply([{ ...base, maxBatchBytes: 960 }], images(new Array<string>(11).fill(png))));
    expect(err.code).toBe('INVALID_SHAPE');
    expect(err.params.reason).toBe('11 images of 4x2x3 need 0.001 MB, over the step limit of 0.00092 MB');
    const bad = await rejection(apply([{ ...base, maxBatchBytes: 0 }], {}));
    expect(bad.code).toBe('INVALID_MANIFEST');
  });

  it('checks every payload (base64 and image header) before decoding any', async () => {
    const png = await tiny();
    const garbage = [
      '',
      'not base64 at all!',
      Buffer.from('plain text').toString('base64'),
      `data:image/png;base64,${Buffer.from('GIF89a?').toString('base64')}`,
    ];
    for (const bad of garbage) {
      decodes.count = 0;
      const err = await rejection(apply([base], images([...new Array<string>(20).fill(png), bad])));
      expect(err.code).toBe('INVALID_DTYPE');
      expect(err.params).toEqual({ input: 'image', reason: 'instance 20 is not a decodable image' });
      expect(decodes.count).toBe(0);
    }
  });

  it('refuses an image over maxInputPixels anywhere in the batch before decoding any', async () => {
    const png = await tiny();
    const big = (await sharp({ create: { width: 3, height: 3, channels: 3, background: '#000' } }).png().toBuffer()).toString('base64');
    const err = await rejection(apply([{ ...base, maxInputPixels: 4 }], images([png, png, png, big])));
    expect(err.code).toBe('INVALID_SHAPE');
    expect(err.params).toEqual({ input: 'image', reason: 'instance 3 is 3x3, more than 4 pixels' });
    expect(decodes.count).toBe(0);
  });
});
