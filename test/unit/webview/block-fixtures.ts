// Synthetic reports of tensors checked by a directional search: blocks (with the halving chains the search
// narrows a failing block through), a few compared elements, own and joint directions, what was left unchecked.
// Shared by the webview unit tests and the browser tests; nothing here is engine output.

import {
  REPORT_SCHEMA,
  REPORT_VERSION,
  type BlockResult,
  type DeclarationReport,
  type DirectionResult,
  type ElementState,
  type TensorResult,
} from '../../../core/report/types';

export const RTOL = 1e-6;

export interface Compared {
  flat: number;
  state: ElementState;
  relErr?: number;
}

/** Even blocks of `size` elements over [0, total), each 'pass' with a small margin unless `states` says otherwise. */
export function evenBlocks(
  total: number,
  size: number,
  states: Record<number, BlockResult['state']> = {},
  margins: Record<number, number> = {},
): BlockResult[] {
  const out: BlockResult[] = [];
  for (let i = 0, from = 0; from < total; i++, from += size) {
    const state = states[i] ?? 'pass';
    const margin = state === 'unchecked' ? null : (margins[i] ?? (state === 'pass' ? 0.01 + (i % 7) * 0.05 : 3e3));
    out.push({ from, to: Math.min(total, from + size), state, margin });
  }
  return out;
}

/**
 * The halving chain through which a failing block [from, to) is narrowed to `leaf` elements around `target`: at
 * each level the half holding the target fails and the other passes.
 */
export function halvingChain(from: number, to: number, target: number, leaf: number): BlockResult[] {
  const out: BlockResult[] = [];
  let a = from;
  let b = to;
  let margin = 5e4;
  while (b - a > leaf) {
    const mid = a + Math.ceil((b - a) / 2);
    const [fa, fb, pa, pb] = target < mid ? [a, mid, mid, b] : [mid, b, a, mid];
    margin /= 1.3;
    out.push({ from: fa, to: fb, state: 'fail', margin: Number(margin.toPrecision(3)) });
    out.push({ from: pa, to: pb, state: 'pass', margin: 0.12 });
    [a, b] = [fa, fb];
  }
  return out;
}

export function direction(scope: string, margin: number, state: DirectionResult['state'], extra: Partial<DirectionResult> = {}): DirectionResult {
  const analytic = 0.5 + margin * 1e-7;
  return { scope, analytic, numeric: 0.5, errEst: 1e-11, tolerance: 1e-7, margin, pass: state !== 'fail', state, ...extra };
}

/** The directions of the blocks themselves, as the search ran them. */
export function blockDirections(path: string, blocks: BlockResult[]): DirectionResult[] {
  return blocks
    .filter((b) => b.state !== 'unchecked')
    .map((b) =>
      direction(path, b.margin!, b.state === 'fail' ? 'fail' : b.state === 'kink' ? 'kink' : 'pass', { block: [b.from, b.to], elements: b.to - b.from }),
    );
}

export function blockTensor(o: {
  path: string;
  group?: string;
  shape: number[];
  blocks?: BlockResult[];
  compared?: Compared[];
  layout?: 'all' | 'sampled';
  directions?: DirectionResult[];
  status?: TensorResult['status'];
  method?: TensorResult['method'];
  unchecked?: TensorResult['unchecked'];
}): TensorResult {
  const size = o.shape.reduce((a, b) => a * b, 1);
  const compared = [...(o.compared ?? [])].sort((a, b) => a.flat - b.flat);
  const rel = (c: Compared) => c.relErr ?? (c.state === 'fail' ? 0.02 : c.state === 'pass' ? 1e-10 : null);
  const failing = compared.filter((c) => c.state === 'fail' || c.state === 'nonfinite').length;
  const kinks = compared.filter((c) => c.state === 'kink').length;
  const failingBlocks = (o.blocks ?? []).some((b) => b.state === 'fail');
  const maxRel = compared.reduce<number | null>((m, c) => (c.state === 'kink' || rel(c) === null ? m : Math.max(m ?? 0, rel(c)!)), null);
  return {
    path: o.path,
    group: o.group ?? '',
    gradientKey: `d${o.path}`,
    shape: o.shape,
    size,
    status: o.status ?? (failing || failingBlocks ? 'fail' : kinks ? 'warn' : 'pass'),
    method: o.method ?? (compared.length ? 'blocks' : 'directions'),
    checked: compared.length,
    failing,
    kinks,
    nonFinite: compared.filter((c) => c.state === 'nonfinite').length,
    maxRelErr: maxRel,
    maxAbsErr: maxRel,
    margin: null,
    worst: null,
    kinkIndices: compared.filter((c) => c.state === 'kink').map((c) => c.flat),
    hints: [],
    directions: o.directions ?? [],
    elements: compared.length
      ? {
          layout: o.layout ?? 'sampled',
          flat: compared.map((c) => c.flat),
          analytic: compared.map(() => 0.5),
          numeric: compared.map((c) => (c.state === 'fail' ? 0.49 : 0.5)),
          absErr: compared.map((c) => rel(c)),
          relErr: compared.map((c) => rel(c)),
          errEst: compared.map(() => 1e-12),
          state: compared.map((c) => c.state),
        }
      : null,
    ...(o.blocks ? { blocks: o.blocks } : {}),
    ...(o.unchecked ? { unchecked: o.unchecked } : {}),
    evaluations: 0,
  };
}

export function blockReport(tensors: TensorResult[], overrides: Partial<DeclarationReport> = {}): DeclarationReport {
  const status = tensors.some((t) => t.status === 'fail') ? 'fail' : tensors.some((t) => t.status === 'warn') ? 'warn' : 'pass';
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    name: 'bigLayer',
    kind: 'model',
    file: '/ws/big-layer.ts',
    range: { file: '/ws/big-layer.ts', start: { line: 7, column: 13 }, end: { line: 7, column: 21 } },
    status,
    summary: status === 'fail' ? 'enc.W is wrong in 1 element (and 1 failing block not narrowed down)' : 'all gradients match',
    mode: 'auto',
    dtype: 'float64',
    seed: 7,
    tolerance: { rtol: RTOL, floor: 1e-9, c: 2 },
    gradientScale: [1],
    objectives: 1,
    tensors,
    findings: [],
    evaluations: 5120,
    forwardMs: 2.5,
    timeMs: 30_400,
    checkMs: 30_000,
    workers: 2,
    ...overrides,
  };
}

/** Where the 1,000,000-element tensor is wrong: one element located, one block not narrowed down, a kink block. */
export const BIG = {
  shape: [1000, 1000],
  blockSize: 1000,
  /** The block (a row) narrowed down to a 16-element leaf, and the failing element in it. */
  narrowed: 437,
  failing: 437 * 1000 + 251,
  /** A failing block the budget left unnarrowed. */
  open: 612,
  openMargin: 8400,
  kink: 88,
  /** Rows from here on were not reached before the budget ran out. */
  unreached: 960,
  leaf: 16,
};

/**
 * A model with a 1,000,000-element weight checked by a block search (one element located, one failing block
 * left unnarrowed), its bias checked element by element, a second weight checked by directions only, and joint
 * directions through everything. Partial: the time limit stopped it.
 */
export function bigReport(): DeclarationReport {
  const total = BIG.shape[0] * BIG.shape[1];
  const states: Record<number, BlockResult['state']> = { [BIG.narrowed]: 'fail', [BIG.open]: 'fail', [BIG.kink]: 'kink' };
  for (let r = BIG.unreached; r < BIG.shape[0]; r++) states[r] = 'unchecked';
  const rows = evenBlocks(total, BIG.blockSize, states, { [BIG.narrowed]: 5e4, [BIG.open]: BIG.openMargin, [BIG.kink]: 40 });
  const chain = halvingChain(BIG.narrowed * BIG.blockSize, (BIG.narrowed + 1) * BIG.blockSize, BIG.failing, BIG.leaf);
  const leaf = chain[chain.length - 2];
  const compared: Compared[] = [];
  for (let f = leaf.from; f < leaf.to; f++)
    compared.push({ flat: f, state: f === BIG.failing ? 'fail' : 'pass', relErr: f === BIG.failing ? 0.02 : 1e-10 * (1 + (f % 5)) });
  const joint = [direction('all', 3.1e4, 'fail'), direction('all', 2.6e4, 'fail')];
  const encW = blockTensor({
    path: 'enc.W',
    group: 'enc',
    shape: BIG.shape,
    blocks: [...rows, ...chain],
    compared,
    directions: [...joint, direction('enc.W', 3.0e4, 'fail'), direction('enc.W', 2.2e4, 'fail'), ...blockDirections('enc.W', [...rows, ...chain])],
    unchecked: { blocks: 1, elements: BIG.blockSize, reason: 'budget' },
  });
  encW.source = { file: '/ws/big-layer.ts', start: { line: 21, column: 4 }, end: { line: 21, column: 30 } };
  const encB = blockTensor({
    path: 'enc.b',
    group: 'enc',
    shape: [1000],
    layout: 'all',
    method: 'elements',
    compared: Array.from({ length: 1000 }, (_, f) => ({ flat: f, state: 'pass' as const, relErr: 1e-11 * (1 + (f % 9)) })),
    directions: joint,
  });
  const decW = blockTensor({
    path: 'dec.W',
    group: 'dec',
    shape: [1000, 500],
    directions: [...joint, direction('dec.W', 0.04, 'pass'), direction('dec.W', 2.1, 'within-rtol')],
  });
  const decB = blockTensor({
    path: 'dec.b',
    group: 'dec',
    shape: [500],
    layout: 'all',
    method: 'elements',
    compared: Array.from({ length: 500 }, (_, f) => ({ flat: f, state: 'pass' as const })),
    directions: joint,
  });
  return blockReport([encW, encB, decW, decB], {
    partial: true,
    findings: [
      { severity: 'warning', code: 'partial', message: 'The check stopped at the time limit (30 s): enc.W has a failing block that was not narrowed down.' },
    ],
  });
}
