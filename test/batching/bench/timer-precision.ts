/**
 * Measures how late the batcher's WakeTimer fires, and the CPU it burns while
 * waiting, against a plain setTimeout rounded up to whole milliseconds.
 * Run: npx tsx test/batching/bench/timer-precision.ts
 */
import { WakeTimer } from '../../../src/serving/batching/wake-timer.js';

const DELAYS_US = [100, 500, 900, 1500, 3000];
const ROUNDS = 1000;

function wakeTimer(delayMs: number): Promise<number> {
  return new Promise((resolve) => {
    const at = performance.now() + delayMs;
    new WakeTimer(() => resolve(performance.now() - at), true).armAt(at);
  });
}

function plainTimeout(delayMs: number): Promise<number> {
  return new Promise((resolve) => {
    const at = performance.now() + delayMs;
    setTimeout(() => resolve(performance.now() - at), Math.ceil(delayMs));
  });
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function measure(label: string, wait: (ms: number) => Promise<number>, delayUs: number): Promise<void> {
  const late: number[] = [];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) late.push((await wait(delayUs / 1000)) * 1000);
  const wallUs = (performance.now() - wall0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  late.sort((a, b) => a - b);
  const cpuShare = (cpu.user + cpu.system) / wallUs;
  console.log(
    `${label.padEnd(11)} delay ${String(delayUs).padStart(5)} µs: late p50 ${quantile(late, 0.5).toFixed(0).padStart(5)} µs, ` +
      `p90 ${quantile(late, 0.9).toFixed(0).padStart(5)} µs, p99 ${quantile(late, 0.99).toFixed(0).padStart(5)} µs, early ${late.filter((l) => l < 0).length}, CPU ${(cpuShare * 100).toFixed(0)}% of one core while waiting`,
  );
}

for (const delay of DELAYS_US) {
  await measure('WakeTimer', wakeTimer, delay);
  await measure('setTimeout', plainTimeout, delay);
}
