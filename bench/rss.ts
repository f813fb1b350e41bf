import { treeRssKiB } from './proc.js';

export interface RssTrace {
  readonly startKiB: number;
  readonly peakKiB: number;
  readonly endKiB: number;
  /**
   * Peak of the second half of the trace minus peak of the first half. A queue
   * without a bound keeps growing for as long as the overload lasts, so this is
   * large; a bounded server has levelled off and it is about zero.
   */
  readonly secondHalfGrowthKiB: number;
  readonly samples: number;
}

/** Samples the RSS of a process and its descendants (e.g. cluster workers) every everyMs until stop(). */
export function sampleRss(pid: number, everyMs = 100): { stop(): RssTrace } {
  const samples: number[] = [];
  const take = (): void => {
    const kib = treeRssKiB(pid);
    if (kib !== undefined) samples.push(kib);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop(): RssTrace {
      clearInterval(timer);
      take();
      const half = Math.ceil(samples.length / 2);
      const firstPeak = Math.max(0, ...samples.slice(0, half));
      const secondPeak = Math.max(0, ...samples.slice(half));
      return {
        startKiB: samples[0] ?? 0,
        peakKiB: Math.max(0, ...samples),
        endKiB: samples[samples.length - 1] ?? 0,
        secondHalfGrowthKiB: secondPeak - firstPeak,
        samples: samples.length,
      };
    },
  };
}
