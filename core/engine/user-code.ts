// The one door through which the engine calls user code: it names the phase (so a time-out can say what was
// running), replays Math.random from a seed in every call (stochastic code checks like deterministic code),
// and turns anything thrown into a finding located at the user's own line.

import { mixSeeds, Rng } from '../contract/random';
import type { Finding } from '../report/types';
import { explainLockedError } from '../runner/lockdown';
import { userLocation } from '../runner/stack';

export type Phase = 'setup' | 'f' | 'grad' | 'forward' | 'backward' | 'loss';

export class UserCodeError extends Error {
  constructor(readonly finding: Finding) {
    super(finding.message);
  }
}

let phaseListener: ((phase: string) => void) | undefined;
let currentPhase: string | undefined;

/** The worker reports phases to its parent through this (it is a no-op in-process). */
export function onPhase(listener: ((phase: string) => void) | undefined): void {
  phaseListener = listener;
  currentPhase = undefined;
}

/** How a phase is named in messages ('while running backward'). */
export const PHASE_WORDS: Record<Phase | 'load', string> = {
  load: 'loading the file',
  setup: 'building the inputs',
  f: 'f',
  grad: 'the gradient function',
  forward: 'forward',
  backward: 'backward',
  loss: 'loss',
};

const derived = new Map<string, number>();

/** mixSeeds(seed, what), memoized: an evaluation loop calls user code thousands of times with one seed. */
export function derivedSeed(seed: number, what: string): number {
  const key = `${seed}:${what}`;
  let value = derived.get(key);
  if (value === undefined) {
    value = mixSeeds(seed, what);
    if (derived.size > 1024) derived.clear();
    derived.set(key, value);
  }
  return value;
}

let replaySeed = 0;
let replay: Rng | undefined;
function seededRandom(): number {
  randomDraws++;
  return (replay ??= new Rng(derivedSeed(replaySeed, 'Math.random'))).random();
}

let randomDraws = 0;
/** Random numbers user code has drawn so far (Math.random and ctx), to tell whether a phase drew any. */
export function randomDrawCount(): number {
  return randomDraws;
}
/** Counts a draw from ctx (Ctx calls it). */
export function countRandomDraw(): void {
  randomDraws++;
}

export function runUserCode<T>(phase: Phase, seed: number, body: () => T): T {
  if (phase !== currentPhase) {
    currentPhase = phase;
    phaseListener?.(phase);
  }
  const original = Math.random;
  // Seeded on first use: most code never calls Math.random, and hashing a seed every evaluation costs.
  replaySeed = seed;
  replay = undefined;
  Math.random = seededRandom;
  try {
    const result = body();
    if (result instanceof Promise) {
      throw new UserCodeError({
        severity: 'error',
        code: 'bad-declaration',
        message: `${PHASE_WORDS[phase]} returned a Promise: gradient code must be synchronous`,
        phase,
      });
    }
    return result;
  } catch (e) {
    if (e instanceof UserCodeError) throw e;
    throw new UserCodeError(findingFor(e, phase));
  } finally {
    Math.random = original;
  }
}

/** A thrown value in words; String() itself throws for Object.create(null) and for a throwing toString. */
function shown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function findingFor(e: unknown, phase: Phase): Finding {
  const err = e instanceof Error ? e : undefined;
  const location = userLocation(err?.stack);
  if (err?.name === 'ExitAttempt') {
    return { severity: 'error', code: 'exited', message: `${err.message} (in ${PHASE_WORDS[phase]})`, phase, location };
  }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return { severity: 'error', code: 'threw', message: `${PHASE_WORDS[phase]} recursed without end (${err.message})`, phase, location };
  }
  // An assignment to a built-in the worker keeps fixed says why it was refused.
  const what = err ? `${err.name}: ${explainLockedError(err.message)}` : `a non-Error value: ${shown(e).slice(0, 200)}`;
  return { severity: 'error', code: 'threw', message: `${PHASE_WORDS[phase]} threw ${what}`, phase, location };
}
