import { z } from 'zod';
import { MlError } from '../../errors/ml-error.js';
import { forEachLimit } from '../concurrency.js';
import { defineStep } from '../define-step.js';
import { dtypeError, missingTensor, shapeError } from '../errors.js';
import { decodeImage, IMAGE_KERNELS, ImageTooLargeError, probeImage } from '../image/decode.js';
import { packImage } from '../image/pack.js';
import { imageBytes } from '../image/payload.js';
import { rowsOf } from '../tensors.js';

const MIB = 1024 * 1024;
const DEFAULT_MAX_BATCH_BYTES = 256 * MIB;

const schema = z
  .strictObject({
    /** String tensor of base64 (or `data:` URL) images, one per instance. */
    input: z.string().min(1),
    /** Name of the float32 tensor to produce: the model's image input. */
    output: z.string().min(1),
    width: z.number().int().positive().max(16384),
    height: z.number().int().positive().max(16384),
    /** 3 = RGB, 1 = grayscale. @default 3 */
    channels: z.union([z.literal(1), z.literal(3)], { error: 'must be 1 (grayscale) or 3 (RGB)' }).default(3),
    /** @default "nchw" (PyTorch); "nhwc" for TensorFlow/Keras exports */
    layout: z.enum(['nchw', 'nhwc']).default('nchw'),
    /** Multiplies 0..255 pixel values first. @default 1/255 */
    scale: z.number().default(1 / 255),
    /** Per-channel mean, subtracted after `scale` (one value applies to all channels). @default 0 */
    mean: z.array(z.number()).min(1).optional(),
    /** Per-channel std, divided by after subtracting `mean`. @default 1 */
    std: z.array(z.number().positive()).min(1).optional(),
    /** How to reach width x height: stretch, crop to fill, or letterbox with black. @default "fill" */
    fit: z.enum(['cover', 'contain', 'fill']).default('fill'),
    /** Resampling kernel; match the one used in training. @default "lanczos3" (sharp's) */
    kernel: z.enum(IMAGE_KERNELS).default('lanczos3'),
    /** Larger images are refused before decoding (a few KB of PNG can expand to GBs). @default 50 megapixels */
    maxInputPixels: z.number().int().positive().default(50_000_000),
    /**
     * Largest float32 output tensor (instances x channels x height x width x 4 bytes) one batch may
     * need; a larger batch is refused before anything is allocated or decoded. @default 256 MiB
     */
    maxBatchBytes: z.number().int().positive().default(DEFAULT_MAX_BATCH_BYTES),
  })
  .refine((o) => [o.mean, o.std].every((v) => v === undefined || v.length === 1 || v.length === o.channels), {
    message: 'mean and std must have one value per channel (or a single value)',
  });

/**
 * Images in flight per batch. sharp runs each pipeline on a libuv worker
 * thread, so more than the pool size would only queue; until its turn an
 * image stays compact base64 instead of a decoded buffer.
 */
const DECODE_CONCURRENCY = Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4);

/** Bytes as MB (MiB) for messages: whole numbers as they are, otherwise one decimal (two digits below 1 MB). */
function mb(bytes: number): string {
  const v = bytes / MIB;
  return String(v >= 1 ? Math.round(v * 10) / 10 : Number(v.toPrecision(2)));
}

function perChannel(values: readonly number[] | undefined, channels: number, fallback: number): Float64Array {
  if (values === undefined) return new Float64Array(channels).fill(fallback);
  return values.length === 1 ? new Float64Array(channels).fill(values[0] ?? fallback) : Float64Array.from(values);
}

/**
 * Decodes client images into the model's float32 image tensor, [N, C, H, W]
 * or [N, H, W, C]. The string input is replaced by the output tensor, so
 * after this step the tensors match the model's inputs rather than the client's.
 */
export const imageStep = defineStep({
  type: 'image',
  stages: ['pre'],
  schema,
  create: (options, env) => {
    const { width, height, channels, layout } = options;
    const decode = { width, height, fit: options.fit, kernel: options.kernel, maxInputPixels: options.maxInputPixels };
    const pack = {
      width,
      height,
      channels,
      layout,
      scale: options.scale,
      mean: perChannel(options.mean, channels, 0),
      std: perChannel(options.std, channels, 1),
    };
    return async (ctx) => {
      const input = options.input;
      const tensor = ctx.tensors[input];
      if (tensor === undefined) throw missingTensor(env, input, Object.keys(ctx.tensors));
      if (!Array.isArray(tensor.data)) {
        throw dtypeError(env, input, `expects a string tensor of base64 images, got ${tensor.dtype}`);
      }
      const { rows, cols } = rowsOf(tensor);
      if (cols !== 1) throw shapeError(env, input, `expects one image per instance, got shape [${tensor.shape.join(', ')}]`);
      const payloads: readonly string[] = tensor.data;
      // 1. The size of the output tensor, from the shape alone: nothing is allocated or decoded yet.
      const count = Math.max(rows, payloads.length);
      const bytes = count * channels * height * width * Float32Array.BYTES_PER_ELEMENT;
      if (bytes > options.maxBatchBytes) {
        const reason = `${count} images of ${width}x${height}x${channels} need ${mb(bytes)} MB, over the step limit of ${mb(options.maxBatchBytes)} MB`;
        throw new MlError('INVALID_SHAPE', { input, reason });
      }
      const notAnImage = (i: number, cause?: unknown): MlError =>
        new MlError('INVALID_DTYPE', { input, reason: `instance ${i} is not a decodable image` }, cause === undefined ? undefined : { cause });
      const fail = (i: number) => (err: unknown): never => {
        if (err instanceof ImageTooLargeError) {
          throw new MlError('INVALID_SHAPE', { input, reason: `instance ${i} ${err.message}` }, { cause: err });
        }
        throw notAnImage(i, err);
      };
      // 2. Every payload is checked cheaply (base64, then the image header only) so a bad instance
      // anywhere in the batch fails it before the output tensor is allocated. The decoded bytes are
      // not kept: until its turn to decode, an image stays compact base64.
      await forEachLimit(payloads, DECODE_CONCURRENCY, async (payload, i) => {
        const bytes = imageBytes(payload);
        if (bytes === undefined) throw notAnImage(i);
        await probeImage(bytes, options.maxInputPixels).catch(fail(i));
      });
      // 3. Decode and pack, with no more images in flight than sharp has threads.
      const out = new Float32Array(rows * channels * height * width);
      await forEachLimit(payloads, DECODE_CONCURRENCY, async (payload, i) => {
        const bytes = imageBytes(payload);
        if (bytes === undefined) throw notAnImage(i);
        const pixels = await decodeImage(bytes, decode).catch(fail(i));
        packImage(out, i, pixels.data, pixels.channels, pack);
      });
      const shape = layout === 'nchw' ? [rows, channels, height, width] : [rows, height, width, channels];
      const tensors = { ...ctx.tensors };
      delete tensors[input];
      tensors[options.output] = { dtype: 'float32', shape, data: out };
      return { ...ctx, tensors };
    };
  },
});
