// PyTorch's gradcheck on the same models, through bench/torch_gradcheck.py, when a Python with torch is
// installed (Debian: apt-get install -y python3-torch, which installs into /usr/bin/python3's packages, so
// that interpreter is tried before whatever `python3` is first on the PATH).

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface TorchModelResult {
  id: string;
  elements: number;
  outputs: number;
  forwardMs: number;
  forwardCpuMs: number;
  /** `elements` checked: all N, or a subset of the inputs when the whole would not fit (`subset` says which). */
  full: { seconds: number[]; cpuSeconds: number[]; median: number; passed: boolean; elements: number; subset?: string };
  fast: { seconds: number[]; cpuSeconds: number[]; median: number; passed: boolean };
  fullOverhead: number;
  fullOverheadCpu: number;
  fastForwardEquivalents: number;
  fastForwardEquivalentsCpu: number;
}

/** gradcheck(fast_mode=True) on one variant of a large model (correct, one element off, no L2 in fc1.W). */
export interface TorchLargeVariant {
  seconds: number[];
  cpuSeconds: number[];
  median: number;
  /** gradcheck returned False (with raise_exception=False): it flagged the gradient as wrong. */
  flagged: boolean;
  /** median / one torch forward (wall), and the same in CPU time. */
  forwardEquivalents: number;
  forwardEquivalentsCpu: number;
  /** What gradcheck raised, if it raised anything other than its own mismatch error. */
  error?: string;
}

export interface TorchLargeResult {
  id: string;
  elements: number;
  forwardMs: number;
  forwardCpuMs: number;
  /** Flat index in fc1.W of the element 1% off (same seeded index as the TS model file). */
  injected: number;
  correct: TorchLargeVariant;
  element: TorchLargeVariant;
  layer: TorchLargeVariant;
  /** Full mode is not run on these: why, with the estimate of what it would take. */
  full: { skipped: string; estimateSeconds: number };
}

export interface TorchResults {
  torch: string;
  threads: number;
  python: string;
  models: TorchModelResult[];
  /** The large models (fast mode only). */
  large?: TorchLargeResult[];
}

export type TorchOutcome = { ok: true; python: string; results: TorchResults } | { ok: false; reason: string };

const SCRIPT = path.join(__dirname, '..', 'torch_gradcheck.py');

export function findTorchPython(): string | null {
  const candidates = [process.env.GRADLENS_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (probe.status === 0) return python;
  }
  return null;
}

export function runTorchGradcheck(models: string[], options: { reps: number; budgetSeconds: number }): TorchOutcome {
  const python = findTorchPython();
  if (!python) return { ok: false, reason: 'no Python with torch (apt-get install -y python3-torch)' };
  const args = [SCRIPT, '--models', models.join(','), '--reps', String(options.reps), '--budget', String(options.budgetSeconds)];
  const run = spawnSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
  if (run.status !== 0) return { ok: false, reason: `${path.basename(SCRIPT)} exited with ${run.status ?? run.signal}` };
  try {
    return { ok: true, python, results: JSON.parse(run.stdout) as TorchResults };
  } catch (e) {
    return { ok: false, reason: `could not read ${path.basename(SCRIPT)}'s output: ${(e as Error).message}` };
  }
}
