// The benchmark's parts (bench/): its reference models have correct gradients (and a wrong one is caught),
// its forward timing runs the code on the very inputs the engine checks, its budget plan, its table, and
// the PyTorch script's output when a Python with torch is installed. No timing is asserted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { layer, model, randint, randn, type Tensor } from '../../core/index';
import type { Declaration } from '../../core/contract/declarations';
import { runDeclarationCheck } from '../../core/engine/check';
import { assembleReport } from '../../core/engine/assemble';
import { buildProblem } from '../../core/engine/problem';
import { resolveOptions } from '../../core/engine/options';
import { materializeInputs } from '../../core/engine/inputs';
import { BENCH_MODELS, LARGE_MODELS } from '../../bench/lib/models';
import { forwardCall, timeForward } from '../../bench/lib/forward';
import { planFull, type InProcessResult } from '../../bench/lib/measure-in-process';
import { median, medianRatio } from '../../bench/lib/stats';
import { renderLargeTable, renderLargeTargets, renderTable, renderTargets, type ModelRow } from '../../bench/lib/report';
import type { LargeResult, LargeRun, Variant } from '../../bench/lib/measure-large';
import { elementBug, mlp, type mlpGrad, noL2Bug, seededIndex, type MlpBug, type MlpData, type MlpParams } from '../../bench/models/lib/mlp';
import { findTorchPython, runTorchGradcheck } from '../../bench/lib/torch';
import { measureParallelism } from '../../bench/lib/parallelism';
import { conv, convBackward } from '../../bench/models/conv';

async function declarationOf(id: string): Promise<Declaration> {
  const model = BENCH_MODELS.find((m) => m.id === id)!;
  return ((await import(model.file)) as Record<string, Declaration>)[model.exportName];
}

function verdict(decl: Declaration, name: string, mode: 'full' | 'sample') {
  const raw = runDeclarationCheck(decl, name, { mode });
  return assembleReport(raw, { file: name, timeMs: 0, workers: 1 });
}

describe('bench models', () => {
  for (const model of BENCH_MODELS) {
    // The wide MLP has 22 210 parameters: a seeded sample of each tensor keeps the test quick.
    const mode = model.id === 'mlp-100-200-10' ? 'sample' : 'full';
    test(`${model.id}: gradients match (${mode})`, async () => {
      const report = verdict(await declarationOf(model.id), model.exportName, mode);
      assert.equal(report.status, 'pass', report.summary);
      assert.ok(report.tensors.every((t) => t.checked > 0));
    });
  }

  test('a wrong element of a bench gradient is caught', () => {
    const broken = layer({
      at: conv.at,
      forward: conv.forward,
      backward: (dout: Tensor, cache: never) => {
        const g = convBackward(dout, cache);
        g.dw.data[5] *= 1.01;
        return g;
      },
    });
    const report = verdict(broken as unknown as Declaration, 'conv', 'full');
    assert.equal(report.status, 'fail');
    const dw = report.tensors.find((t) => t.path === 'w')!;
    assert.equal(dw.failing, 1);
    assert.equal(dw.worst?.flat, 5);
  });

  test('the forward being timed runs on the inputs the engine checks at', async () => {
    for (const id of ['mlp-20-50-10', 'mlp-100-200-10']) {
      const model = BENCH_MODELS.find((m) => m.id === id)!;
      const decl = await declarationOf(id);
      const problem = buildProblem(decl, model.exportName, { mode: 'full' });
      // Bit for bit the loss the engine evaluated at the unperturbed point: same seed, same inputs.
      assert.equal(forwardCall(decl, model.exportName)(), problem.f0[0]);
    }
  });

  test('timeForward returns positive wall and CPU medians', () => {
    let calls = 0;
    const timing = timeForward(
      () => {
        calls++;
        let s = 0;
        for (let i = 0; i < 2000; i++) s += Math.sqrt(i);
        return s;
      },
      { minCalls: 20, minMs: 5, maxMs: 50 },
    );
    assert.ok(timing.wallMs > 0 && timing.cpuMs >= 0);
    assert.ok(timing.calls >= 20 || calls > 20);
  });
});

describe('bench MLP library: activations and injected bugs', () => {
  // A small net through the same code as the large bench models: full mode compares every element.
  const smallNet = (activation: 'relu' | 'tanh', bug?: MlpBug) =>
    model({
      params: {
        fc1: { W: randn([12, 9], { scale: Math.sqrt(1 / 12) }), b: randn([9], { scale: 0.1 }) },
        fc2: { W: randn([9, 4], { scale: Math.sqrt(1 / 9) }), b: randn([4], { scale: 0.1 }) },
      },
      data: { X: randn([5, 12]), y: randint(0, 4, [5]), reg: 0.01 },
      seed: 11,
      ...mlp({ activation, bug }),
    }) as unknown as Declaration;

  for (const activation of ['relu', 'tanh'] as const) {
    test(`${activation}: the correct gradients pass`, () => {
      const report = verdict(smallNet(activation), 'net', 'full');
      assert.equal(report.status, 'pass', report.summary);
    });

    test(`${activation}: one element 1% off fails at that element`, () => {
      const bug = elementBug('fc1', [12, 9], 5);
      const report = verdict(smallNet(activation, bug), 'net', 'full');
      assert.equal(report.status, 'fail');
      const w = report.tensors.find((t) => t.path === 'fc1.W')!;
      assert.equal(w.failing, 1);
      assert.equal(w.worst?.flat, bug.kind === 'element' ? bug.flat : -1);
      assert.ok(report.tensors.filter((t) => t.path !== 'fc1.W').every((t) => t.status === 'pass'));
    });

    test(`${activation}: the L2 term missing from fc1.W is hinted as regularization`, () => {
      const report = verdict(smallNet(activation, noL2Bug('fc1')), 'net', 'full');
      assert.equal(report.status, 'fail');
      const w = report.tensors.find((t) => t.path === 'fc1.W')!;
      assert.equal(w.hints[0]?.code, 'regularization');
      assert.equal(report.tensors.find((t) => t.path === 'fc2.W')!.status, 'pass');
    });
  }

  test('seededIndex is in range, deterministic, and spread out', () => {
    const picks = Array.from({ length: 50 }, (_, seed) => seededIndex(seed, 1000));
    assert.ok(picks.every((i) => Number.isInteger(i) && i >= 0 && i < 1000));
    assert.deepEqual(
      picks,
      Array.from({ length: 50 }, (_, seed) => seededIndex(seed, 1000)),
    );
    assert.ok(new Set(picks).size > 40);
    // The index bench/torch_gradcheck.py reproduces (seeded_index(1258, 784 * 1258)).
    assert.equal(seededIndex(1258, 784 * 1258), 294169);
  });
});

describe('bench large models', () => {
  /** The params and data a declaration is checked at, as the engine materializes them. */
  function inputsOf(decl: Declaration, name: string): { params: MlpParams; data: MlpData } {
    assert.equal(decl.kind, 'model');
    const { seed, dtype } = resolveOptions(decl, name);
    const m = decl as Extract<Declaration, { kind: 'model' }>;
    return {
      params: materializeInputs(m.params, seed, dtype, 'params').value as unknown as MlpParams,
      data: materializeInputs(m.data, seed, dtype, 'data').value as unknown as MlpData,
    };
  }

  for (const large of LARGE_MODELS) {
    test(`${large.id}: three declarations on the same inputs; each bug changes the gradient where it says`, async () => {
      const mod = (await import(large.file)) as Record<string, unknown>;
      const names = [large.correct, large.oneElementOff, large.noL2];
      const decls = names.map((name) => mod[name] as Declaration);
      assert.ok(decls.every((d) => d?.kind === 'model'));
      const inputs = decls.map((d, i) => inputsOf(d, names[i]));
      // The same inputs, so the same loss bit for bit.
      const losses = decls.map((d, i) => forwardCall(d, names[i])());
      assert.equal(losses[1], losses[0]);
      assert.equal(losses[2], losses[0]);

      const { params, data } = inputs[0];
      const [D, H] = params.fc1.W.shape;
      const bug = mod[large.bugExport] as MlpBug;
      assert.ok(bug.kind === 'element' && bug.layer === 'fc1' && bug.factor === 1.01);
      assert.ok(Number.isInteger(bug.flat) && bug.flat >= 0 && bug.flat < D * H);
      assert.equal(large.tensor, 'fc1.W');

      const grad = (d: Declaration, i: number) =>
        (d as Extract<Declaration, { kind: 'model' }>).grad!(inputs[i].params as never, inputs[i].data as never, undefined as never) as ReturnType<
          typeof mlpGrad
        >;
      const [ok, element, noL2] = decls.map(grad);
      const dW = (g: ReturnType<typeof mlpGrad>) => g.fc1.W.data;
      // One element × 1.01, nothing else.
      const changed = dW(ok).reduce((n: number, v, i) => (v !== dW(element)[i] ? n + 1 : n), 0);
      assert.equal(changed, 1);
      assert.equal(dW(element)[bug.flat], dW(ok)[bug.flat] * 1.01);
      // Every element of fc1.W short by 2·reg·W; the other gradients untouched.
      const W = params.fc1.W.data;
      for (let i = 0; i < W.length; i += 997) assert.ok(Math.abs(dW(ok)[i] - dW(noL2)[i] - 2 * data.reg * W[i]) < 1e-12);
      for (const g of [element, noL2]) {
        assert.deepEqual(g.fc2.W.data, ok.fc2.W.data);
        assert.deepEqual(g.fc1.b.data, ok.fc1.b.data);
      }
    });
  }
});

describe('bench budget and statistics', () => {
  test('median and paired ratios', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
    assert.equal(medianRatio([10, 20, 30], [10, 10, 10]), 2);
  });

  test('a check that fits is repeated; one that does not is sharded', () => {
    assert.deepEqual(planFull(100, { cellSeconds: 10, reps: 5 }), { reps: 5, shardCount: 1 });
    // 3 s a check: three fit in 10 s, not five.
    assert.deepEqual(planFull(3_000, { cellSeconds: 10, reps: 5 }), { reps: 3, shardCount: 1 });
    // 100 s a check: three runs on 1/30 of the elements fit.
    assert.deepEqual(planFull(100_000, { cellSeconds: 10, reps: 5 }), { reps: 3, shardCount: 30 });
  });
});

function fakeRow(id: string, overheadCpu: number, fastFe: number, fastStatus = 'pass'): ModelRow {
  const model = BENCH_MODELS.find((m) => m.id === id)!;
  const inProcess = {
    size: 100,
    forward: { wallMs: 0.02, cpuMs: 0.02 },
    full: {
      runs: [],
      shardCount: 1,
      wallSeconds: 0.005,
      cpuSeconds: 0.005,
      overheadWall: overheadCpu,
      overheadCpu,
      evaluationsPerLimit: 1.01,
      richardson: 0,
      elements: 100,
      evaluationPerForward: 1.05,
      outsideEvaluations: 0.02,
      status: 'pass',
    },
    fast: { runs: [], forwardEquivalentsWall: fastFe, forwardEquivalentsCpu: fastFe, evaluations: 6, status: fastStatus, summary: 'x' },
  } satisfies InProcessResult;
  return { model, inProcess };
}

describe('bench machine', () => {
  test('available parallelism is between one and two processes worth', async () => {
    const p = await measureParallelism(1);
    // Loose bounds: only that the two measurements were taken and compared the right way round.
    assert.ok(p > 0.5 && p < 2.6, `parallelism ${p}`);
  });
});

describe('bench report', () => {
  test('one table row per model, as many cells as the header', () => {
    const table = renderTable([fakeRow('conv', 1.05, 8), fakeRow('rnn', 1.2, 12)]).split('\n');
    assert.equal(table.length, 4);
    const cells = (line: string) => line.split('|').length;
    assert.ok(table.every((line) => cells(line) === cells(table[0])));
    assert.match(table[2], /^\| conv /);
  });

  test('targets say met or missed, and name fast-mode failures of correct models', () => {
    const met = renderTargets([fakeRow('conv', 1.05, 8)], []).join('\n');
    assert.match(met, /≤ 1.1× .*: met/);
    assert.match(met, /10 forward-equivalents .*: met/);
    const missed = renderTargets([fakeRow('conv', 1.05, 8), fakeRow('rnn', 1.2, 12, 'fail')], []).join('\n');
    assert.match(missed, /≤ 1.1× .*: \*\*missed\*\*/);
    assert.match(missed, /10 forward-equivalents .*: \*\*missed\*\*/);
    assert.match(missed, /did not pass these correct models: rnn: fail/);
  });

  test('the homework target is judged on the median end-to-end time', () => {
    const net = { label: 'net', workers: 2, inProcessMs: [30], mode: 'auto', status: 'pass, 6 evaluations' };
    assert.match(renderTargets([], [{ ...net, engineMs: [40, 70, 45] }])[3], /homework net, net, .*: met — 45 ms/);
    assert.match(renderTargets([], [{ ...net, engineMs: [60, 70, 45] }])[3], /\*\*missed\*\* — 60 ms/);
  });
});

function fakeRun(status: LargeRun['status'], extra: Partial<LargeRun> = {}): LargeRun {
  return {
    wallMs: 1000,
    status,
    summary: status,
    evaluations: 20,
    checkMs: 900,
    engineForwardMs: 40,
    workers: 1,
    partial: false,
    findings: [],
    tensor: { status, method: 'blocks', checked: 3, failing: status === 'fail' ? 1 : 0, worstFlat: null, hints: [] },
    ...extra,
  };
}

function fakeLarge(runs: Record<Variant, LargeRun>, hint: string | null = 'regularization'): LargeResult {
  const model = LARGE_MODELS[0];
  const variant = (v: Variant) => ({
    variant: v,
    exportName: v,
    runs: [runs[v]],
    wallMs: runs[v].wallMs,
    forwardEquivalents: runs[v].wallMs / 50,
    forwardEquivalentsCpu: runs[v].wallMs / 50,
    ...(v === 'element' ? { located: runs[v].tensor?.worstFlat === 7 } : {}),
    ...(v === 'layer' ? { hint: hint as never } : {}),
  });
  return {
    model,
    size: 1000,
    injected: 7,
    forward: { wallMs: 50, cpuMs: 50, before: { wallMs: 50, cpuMs: 50, calls: 20 } },
    mode: 'auto',
    workers: 2,
    variants: (['correct', 'element', 'layer'] as const).map(variant),
  };
}

describe('bench large-model report', () => {
  test('met: a quick pass, a located element, a regularization hint', () => {
    const good = fakeLarge({
      correct: fakeRun('pass'),
      element: fakeRun('fail', { wallMs: 5000, tensor: { status: 'fail', method: 'blocks', checked: 3, failing: 1, worstFlat: 7, hints: ['few-elements'] } }),
      layer: fakeRun('fail', { tensor: { status: 'fail', method: 'blocks', checked: 9, failing: 9, worstFlat: 3, hints: ['regularization'] } }),
    });
    const table = renderLargeTable([good]).split('\n');
    assert.equal(table.length, 2 + 3);
    const cells = (line: string) => line.split('|').length;
    assert.ok(table.every((line) => cells(line) === cells(table[0])));
    assert.match(table[3], /fc1\.W\[7\] × 1\.01 .*\| located/);
    const targets = renderLargeTargets([good]);
    assert.equal(targets.length, 3);
    assert.ok(
      targets.every((t) => /: met — /.test(t)),
      targets.join('\n'),
    );
  });

  test('a time-out, a thrown check and a missed location are shown, and miss their targets', () => {
    const timeout = fakeRun('error', {
      wallMs: 60_500,
      evaluations: 0,
      tensor: null,
      findings: [{ severity: 'error', code: 'timeout', message: 'stopped after 60 s while running loss | x' }],
    });
    const bad = fakeLarge(
      {
        correct: timeout,
        element: fakeRun('fail', { tensor: { status: 'fail', method: 'blocks', checked: 3, failing: 1, worstFlat: 8, hints: [] } }),
        layer: fakeRun('error', { tensor: null, error: 'mlp.ts: mlp1MNoL2: no report came back' }),
      },
      null,
    );
    const table = renderLargeTable([bad]);
    assert.match(table, /\*\*error: timeout — stopped after 60 s while running loss \\\| x\*\*/);
    assert.match(table, /\*\*not located\*\* \(worst at 8/);
    assert.match(table, /no report came back/);
    const targets = renderLargeTargets([bad]);
    assert.ok(
      targets.every((t) => /: \*\*missed\*\* — /.test(t)),
      targets.join('\n'),
    );
  });

  test('without engine runs the table says why', () => {
    const skipped: LargeResult = {
      ...fakeLarge({ correct: fakeRun('pass'), element: fakeRun('fail'), layer: fakeRun('fail') }),
      variants: undefined,
      skipped: 'no engine runs (--no-engine)',
    };
    assert.match(renderLargeTable([skipped]), /not run \(no engine runs \(--no-engine\)\)/);
    assert.match(renderLargeTargets([skipped])[0], /not measured/);
  });
});

describe('bench torch script', () => {
  const python = findTorchPython();
  test('gradcheck numbers for one model', { skip: python ? false : 'no Python with torch' }, () => {
    const outcome = runTorchGradcheck(['batchnorm'], { reps: 1, budgetSeconds: 1 });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
    const [m] = outcome.results.models;
    assert.equal(m.id, 'batchnorm');
    assert.equal(m.elements, 16 * 32 + 32 + 32);
    assert.equal(m.outputs, 16 * 32);
    assert.ok(m.full.passed && m.fast.passed);
    assert.equal(m.full.elements, m.elements);
    assert.ok(m.forwardMs > 0 && m.fullOverhead > 0 && m.fastForwardEquivalents > 0);
  });

  test('fast mode on a large model and its two bugs', { skip: python ? false : 'no Python with torch' }, () => {
    const outcome = runTorchGradcheck(['mlp-784-256-10-relu'], { reps: 1, budgetSeconds: 3 });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
    assert.equal(outcome.results.models.length, 0);
    const [m] = outcome.results.large!;
    assert.equal(m.id, 'mlp-784-256-10-relu');
    assert.equal(m.elements, 784 * 256 + 256 + 256 * 10 + 10);
    // The same seeded index as the TS model file.
    assert.equal(m.injected, seededIndex(256, 784 * 256));
    assert.equal(m.correct.flagged, false);
    for (const v of [m.correct, m.element, m.layer]) assert.ok(v.median > 0 && v.forwardEquivalents > 0 && !v.error);
    assert.ok(m.full.estimateSeconds > 0 && /not run/.test(m.full.skipped));
  });
});
