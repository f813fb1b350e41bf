export type ImageLayout = 'nchw' | 'nhwc';

export interface PackOptions {
  readonly width: number;
  readonly height: number;
  /** 3 = RGB, 1 = grayscale. */
  readonly channels: 1 | 3;
  readonly layout: ImageLayout;
  /** Multiplies raw 0..255 values first (1/255 maps them to 0..1). */
  readonly scale: number;
  /** Per output channel, applied after `scale`: (v * scale - mean[c]) / std[c]. */
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/**
 * Writes one decoded image (interleaved pixels with `srcChannels` values each)
 * as instance `index` of a float32 batch in the requested layout.
 */
export function packImage(
  out: Float32Array,
  index: number,
  pixels: Uint8Array,
  srcChannels: number,
  options: PackOptions,
): void {
  const { width, height, channels, layout, scale, mean, std } = options;
  const plane = width * height;
  const base = index * plane * channels;
  for (let p = 0; p < plane; p++) {
    const src = p * srcChannels;
    for (let c = 0; c < channels; c++) {
      const raw = channels === 1 ? luma(pixels, src, srcChannels) : (pixels[src + (srcChannels >= 3 ? c : 0)] ?? 0);
      const at = layout === 'nchw' ? base + c * plane + p : base + p * channels + c;
      out[at] = (raw * scale - (mean[c] ?? 0)) / (std[c] ?? 1);
    }
  }
}

/**
 * ITU-R 601-2 luma in 8 bits, bit-exact with PIL's `convert("L")`, which
 * grayscale models are usually trained on (libvips' own grayscale differs).
 */
function luma(pixels: Uint8Array, src: number, srcChannels: number): number {
  if (srcChannels < 3) return pixels[src] ?? 0;
  const r = pixels[src] ?? 0;
  const g = pixels[src + 1] ?? 0;
  const b = pixels[src + 2] ?? 0;
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}
