// How much of a second core the machine gives right now: the same fixed CPU-bound loop in one child process
// alone, then in two at once. With two free cores the pair takes as long as one (parallelism 2); on a machine
// where other work holds the cores it takes longer. The 2-worker speed-up can be read against this number.

import { spawn } from 'node:child_process';
import { median } from './stats';

// A fixed amount of arithmetic (not a fixed time), so that contention shows up as a longer wall-clock: typed
// array multiply-adds in L1, like the inner loops of the forward passes being checked.
const LOOP = `
const a = new Float64Array(4096).map((_, i) => Math.sin(i));
const b = new Float64Array(4096).map((_, i) => Math.cos(i));
let s = 0;
const t0 = performance.now();
for (let r = 0; r < 8000; r++) for (let i = 0; i < 4096; i++) s += a[i] * b[(i + r) & 4095];
process.stdout.write(String(performance.now() - t0) + ' ' + s);
`;

function loopMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LOOP], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(out.split(' ')[0])) : reject(new Error(`loop exited with ${code}`))));
  });
}

/** 2 × (time alone) / (time of each of two at once), median over `rounds`: 2 means two free cores. */
export async function measureParallelism(rounds = 3): Promise<number> {
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const alone = await loopMs();
    const pair = await Promise.all([loopMs(), loopMs()]);
    ratios.push((2 * alone) / ((pair[0] + pair[1]) / 2));
  }
  return median(ratios);
}
