import sharp from 'sharp';

export type ImageFit = 'cover' | 'contain' | 'fill';
export const IMAGE_KERNELS = ['nearest', 'linear', 'cubic', 'mitchell', 'lanczos2', 'lanczos3'] as const;
export type ImageKernel = (typeof IMAGE_KERNELS)[number];

export interface DecodeOptions {
  readonly width: number;
  readonly height: number;
  readonly fit: ImageFit;
  readonly kernel: ImageKernel;
  /** Refuse images with more pixels than this, before decoding them. */
  readonly maxInputPixels: number;
}

/** The image decodes but is larger than `maxInputPixels`: the client's fault, not a corrupt file. */
export class ImageTooLargeError extends Error {
  override readonly name = 'ImageTooLargeError';
}

/** Interleaved 8-bit pixels, row-major: `channels` values per pixel. */
export interface RawPixels {
  readonly data: Buffer;
  readonly channels: number;
}

/**
 * Decodes any format sharp reads and resizes it to exactly width x height,
 * as 8-bit sRGB without alpha. The work runs in sharp's libuv worker threads
 * (toBuffer is async), so the event loop only waits, it does not compute.
 *
 * EXIF orientation is deliberately not applied: PIL and torchvision, which
 * most training pipelines decode with, do not apply it either, and the model
 * must see pixels the way it saw them in training. Alpha is dropped without
 * blending, as PIL's `convert("RGB")` does.
 */
export async function decodeImage(bytes: Buffer, options: DecodeOptions): Promise<RawPixels> {
  const image = sharp(bytes, { limitInputPixels: false });
  await checkHeader(image, options.maxInputPixels);
  const { data, info } = await image
    .resize(options.width, options.height, {
      fit: options.fit,
      kernel: options.kernel,
      background: { r: 0, g: 0, b: 0, alpha: 1 },
    })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, channels: info.channels };
}

/**
 * Reads only the image's header (no pixels are decoded): rejects bytes sharp
 * cannot identify, and throws ImageTooLargeError over `maxInputPixels`. Cheap
 * enough to run on a whole batch before any output memory is committed.
 */
export async function probeImage(bytes: Buffer, maxInputPixels: number): Promise<void> {
  await checkHeader(sharp(bytes, { limitInputPixels: false }), maxInputPixels);
}

async function checkHeader(image: sharp.Sharp, maxInputPixels: number): Promise<void> {
  // The pixel limit is enforced here from the header, with a clearer reason than sharp's own
  // check would give; only the first page/frame is decoded, so width x height is the real cost.
  const { width = 0, height = 0 } = await image.metadata();
  if (width * height > maxInputPixels) {
    throw new ImageTooLargeError(`is ${width}x${height}, more than ${maxInputPixels} pixels`);
  }
}
