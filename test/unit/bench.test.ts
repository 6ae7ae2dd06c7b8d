// The benchmark's parts (bench/): its reference models have correct gradients (and a wrong one is caught),
// its forward timing runs the code on the very inputs the engine checks, its budget plan, its table, and
// the PyTorch script's output when a Python with torch is installed. No timing is asserted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { layer, type Tensor } from '../../core/index';
import type { Declaration } from '../../core/contract/declarations';
import { runDeclarationCheck } from '../../core/engine/check';
import { assembleReport } from '../../core/engine/assemble';
import { buildProblem } from '../../core/engine/problem';
import { BENCH_MODELS } from '../../bench/lib/models';
import { forwardCall, timeForward } from '../../bench/lib/forward';
import { planFull, type InProcessResult } from '../../bench/lib/measure-in-process';
import { median, medianRatio } from '../../bench/lib/stats';
import { renderTable, renderTargets, type ModelRow } from '../../bench/lib/report';
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
});
