// The directional search: a few seeded directions through every tensor decide a correct model; a direction that
// deviates is narrowed by halving (adaptive group testing over contiguous blocks of the same direction), so one
// wrong element among a million is found with O(log N) directions. A tensor wrong in many places stops being
// halved once a seeded sample of its elements shows it: the verdict rests on those elements and the blocks.

import { mixSeeds, Rng } from '../contract/random';
import type { Segment } from './directions';
import type { CheckSession } from './check';

/** Blocks at most this large are compared element by element (cheaper than two more levels of directions). */
export const LEAF_SIZE = 8;
/** Failing blocks of one tensor in flight before it is sampled as a tensor wrong in many places. */
export const SPREAD_FRONTIER = 4;
/** Elements sampled from a tensor wrong in many places. */
export const SPREAD_SAMPLE = 24;
/** Share of sampled elements that must fail to stop narrowing (the tensor is wrong nearly everywhere). */
const SPREAD_STOP = 0.5;

interface Node {
  tensor: number;
  from: number;
  to: number;
  round: number;
  margin: number;
}

function whole(ck: CheckSession, tensor: number): Segment {
  return { tensor, from: 0, to: ck.problem.params[tensor].slot.size };
}

/** Seeded sample of a tensor's elements (distinct, in index order). */
export function sampleIndices(size: number, count: number, seed: number, path: string): number[] {
  const n = Math.min(size, count);
  const rng = new Rng(mixSeeds(seed, 'sample', path));
  if (n * 4 > size) {
    const pool = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(rng.random() * (size - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, n).sort((a, b) => a - b);
  }
  const chosen = new Set<number>();
  while (chosen.size < n) chosen.add(Math.floor(rng.random() * size));
  return [...chosen].sort((a, b) => a - b);
}

/** Screens `tensors` with directions, then narrows every deviating direction to blocks and elements. */
export function searchDirections(ck: CheckSession, tensors: number[]): void {
  if (!tensors.length) return;
  const { params, options } = ck.problem;
  const rounds = options.directions;
  ck.stage('directions', rounds * ck.directionCost * (tensors.length > 1 ? 2 : 1));
  const frontier: Node[] = [];
  if (tensors.length === 1) {
    const t = tensors[0];
    for (let r = 0; r < rounds && !frontier.length; r++) {
      const m = ck.direction([whole(ck, t)], r, params[t].path, { tensor: t, block: [0, params[t].slot.size] });
      if (m.state !== 'pass') frontier.push({ tensor: t, from: 0, to: params[t].slot.size, round: r, margin: m.margin });
    }
  } else {
    const failedRounds: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const m = ck.direction(
        tensors.map((t) => whole(ck, t)),
        r,
        'all',
        {},
      );
      if (m.state !== 'pass') failedRounds.push(r);
    }
    if (!failedRounds.length) return;
    for (const t of tensors) {
      if (ck.searchOver()) {
        ck.unresolvedTensor(t, 'budget');
        continue;
      }
      for (const r of failedRounds) {
        const m = ck.direction([whole(ck, t)], r, params[t].path, { tensor: t, block: [0, params[t].slot.size] });
        if (m.state !== 'pass') {
          frontier.push({ tensor: t, from: 0, to: params[t].slot.size, round: r, margin: m.margin });
          break;
        }
      }
    }
  }
  narrow(ck, frontier);
}

/** Halves failing blocks, largest deviation first, until they are elements, the tensor is sampled, or time is up. */
function narrow(ck: CheckSession, frontier: Node[]): void {
  const { params } = ck.problem;
  const sampled = new Set<number>();
  const stopped = new Set<number>();
  const planned = () =>
    frontier.reduce(
      (a, n) =>
        a + (n.to - n.from <= LEAF_SIZE ? (n.to - n.from) * ck.elementCost : 2 * ck.directionCost * Math.max(1, Math.log2((n.to - n.from) / LEAF_SIZE))),
      0,
    );
  while (frontier.length) {
    ck.stage('search', planned());
    if (ck.searchOver()) {
      for (const n of frontier) ck.unresolvedTensor(n.tensor, 'budget');
      return;
    }
    let pick = 0;
    for (let i = 1; i < frontier.length; i++) if (frontier[i].margin > frontier[pick].margin) pick = i;
    const node = frontier.splice(pick, 1)[0];
    if (stopped.has(node.tensor)) continue;
    const size = node.to - node.from;
    if (size <= LEAF_SIZE) {
      for (let i = node.from; i < node.to; i++) ck.checkElement({ tensor: node.tensor, flat: i });
      continue;
    }
    const mid = node.from + Math.floor(size / 2);
    for (const [from, to] of [
      [node.from, mid],
      [mid, node.to],
    ]) {
      const m = ck.direction([{ tensor: node.tensor, from, to }], node.round, params[node.tensor].path, { tensor: node.tensor, block: [from, to] });
      if (m.state !== 'pass') frontier.push({ tensor: node.tensor, from, to, round: node.round, margin: m.margin });
    }
    const inFlight = frontier.filter((n) => n.tensor === node.tensor).length;
    if (inFlight > SPREAD_FRONTIER && !sampled.has(node.tensor)) {
      sampled.add(node.tensor);
      // Wrong in many places: a seeded sample of elements gives the verdict and the hints now; halving goes on
      // only when the sample does not already show the tensor wrong nearly everywhere.
      const p = params[node.tensor];
      const picks = sampleIndices(p.slot.size, SPREAD_SAMPLE, ck.problem.options.seed, p.path);
      ck.stage('sample', picks.length * ck.elementCost);
      let failed = 0;
      let checked = 0;
      for (const flat of picks) {
        if (ck.elementsOver()) break;
        if (!ck.checkElement({ tensor: node.tensor, flat })) failed++;
        checked++;
      }
      if (checked && failed / checked >= SPREAD_STOP) {
        stopped.add(node.tensor);
        ck.unresolvedTensor(node.tensor, 'spread');
      }
    }
  }
}
