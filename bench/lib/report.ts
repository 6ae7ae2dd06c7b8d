// The benchmark's one markdown table, the targets it is held to, and how the numbers were taken.

import type { BenchModel } from './models';
import type { EngineResult } from './measure-engine';
import type { InProcessResult } from './measure-in-process';
import type { TorchModelResult, TorchOutcome } from './torch';
import { median } from './stats';

export interface ModelRow {
  model: BenchModel;
  inProcess: InProcessResult;
  engine?: EngineResult;
  torch?: TorchModelResult;
}

export interface HomeworkResult {
  label: string;
  workers: number;
  /** End-to-end times of the default-mode check through a warm engine (ms). */
  engineMs: number[];
  /** The same check in process (ms). */
  inProcessMs: number[];
  mode: string;
  status: string;
}

export interface Environment {
  date: string;
  commit: string;
  node: string;
  cpu: string;
  cores: number;
  loadBefore: number[];
  loadAfter: number[];
  /** Measured parallelism for two processes (2 = two free cores), before and after the engine runs. */
  parallelism: number[];
  seconds: number;
  torch: TorchOutcome | { ok: false; reason: string };
  budget: { cellSeconds: number; reps: number };
}

const TARGETS = { overhead: 1.1, speedup: 1.7, fastFe: 10, homeworkMs: 50 };

function sig(x: number | undefined, digits = 2): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 10 ** digits) return Math.round(x).toString();
  return Number(x.toPrecision(digits)).toString();
}

const us = (ms: number | undefined) => sig(ms === undefined ? undefined : ms * 1000, 3);
const pair = (a: string, b: string) => `${a} / ${b}`;

function engineCells(e: EngineResult | undefined): string[] {
  if (!e) return ['–', '–', '–', '–'];
  const full = e.full ? pair(sig(median(e.full.one.map((r) => r.wallMs)) / 1000), sig(median(e.full.two.map((r) => r.wallMs)) / 1000)) : 'skipped¹';
  const speedup = e.full ? `${sig(e.full.speedup)}×` : `(fast: ${sig(e.fast.speedup)}×)`;
  const fast = pair(sig(median(e.fast.one.map((r) => r.wallMs))), sig(median(e.fast.two.map((r) => r.wallMs))));
  return [full, speedup, fast, sig(e.fixedMs)];
}

function torchCells(t: TorchModelResult | undefined): string[] {
  if (!t) return ['–', '–', '–'];
  const failed = (t.full.passed ? [] : ['full']).concat(t.fast.passed ? [] : ['fast']);
  const verdicts = failed.length ? ` (gradcheck ${failed.join(', ')} failed)` : '';
  const full = pair(sig(t.fullOverhead), sig(t.fullOverheadCpu)) + (t.full.subset ? '³' : '');
  return [pair(us(t.forwardMs), us(t.forwardCpuMs)), full + verdicts, pair(sig(t.fastForwardEquivalents), sig(t.fastForwardEquivalentsCpu))];
}

export function renderTable(rows: ModelRow[]): string {
  const header = [
    'Model',
    'N',
    'Forward µs (wall / CPU)',
    'Full s, 1 core (wall / CPU)',
    'Full overhead ×2N (wall / CPU)',
    'Evals / 2N',
    'Richardson elems',
    'Eval / forward',
    'Full verdict',
    'Fast, forward-equivs (wall / CPU)',
    'Fast verdict (evals)',
    'E2E full s, 1 w / 2 w',
    '2-core speed-up',
    'E2E fast ms, 1 w / 2 w',
    'Engine fixed ms',
    'torch fwd µs (wall / CPU)',
    'torch full overhead ×2N (wall / CPU)',
    'torch fast, forward-equivs (wall / CPU)',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ':--' : '--:')).join('|')}|`];
  for (const { model, inProcess: p, engine, torch } of rows) {
    const approx = p.full.shardCount > 1 ? '≈' : '';
    const shardNote = p.full.shardCount > 1 ? `²` : '';
    const cells = [
      model.label,
      String(p.size),
      pair(us(p.forward.wallMs), us(p.forward.cpuMs)),
      `${approx}${pair(sig(p.full.wallSeconds), sig(p.full.cpuSeconds))}${shardNote}`,
      pair(sig(p.full.overheadWall, 3), sig(p.full.overheadCpu, 3)),
      sig(p.full.evaluationsPerLimit, 4),
      `${p.full.richardson} of ${p.full.elements}`,
      sig(p.full.evaluationPerForward, 3),
      p.full.status,
      pair(sig(p.fast.forwardEquivalentsWall), sig(p.fast.forwardEquivalentsCpu)),
      `${p.fast.status} (${p.fast.evaluations})`,
      ...engineCells(engine),
      ...torchCells(torch),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function verdict(ok: boolean): string {
  return ok ? 'met' : '**missed**';
}

export function renderTargets(rows: ModelRow[], homework: HomeworkResult[], parallelism: number[] = []): string[] {
  const out: string[] = [];
  const overheads = rows.map((r) => `${r.model.id} ${sig(r.inProcess.full.overheadWall, 3)} / ${sig(r.inProcess.full.overheadCpu, 3)}`);
  const worst = Math.max(...rows.map((r) => r.inProcess.full.overheadCpu));
  out.push(`- Full-mode overhead ≤ ${TARGETS.overhead}× the 2N limit on one core (in process; CPU-time ratio judged, wall / CPU shown): ${verdict(worst <= TARGETS.overhead)} — ${overheads.join('; ')}`);
  const withFull = rows.filter((r) => r.engine?.full);
  if (withFull.length) {
    const speedups = withFull.map((r) => `${r.model.id} ${sig(r.engine!.full!.speedup)}×`);
    const least = Math.min(...withFull.map((r) => r.engine!.full!.speedup));
    const machine = parallelism.length ? ` (the machine gave two processes ${parallelism.map((p) => `${sig(p)}×`).join(' / ')} the throughput of one, before / after: the bound for any 2-worker speed-up)` : '';
    out.push(`- ≥ ${TARGETS.speedup}× faster on two cores (end to end, full mode, warm pool): ${verdict(least >= TARGETS.speedup)} — ${speedups.join('; ')}${machine}`);
  } else {
    out.push(`- ≥ ${TARGETS.speedup}× faster on two cores: not measured (no engine runs)`);
  }
  const fes = rows.map((r) => `${r.model.id} ${sig(r.inProcess.fast.forwardEquivalentsWall)} / ${sig(r.inProcess.fast.forwardEquivalentsCpu)}`);
  const worstFe = Math.max(...rows.map((r) => r.inProcess.fast.forwardEquivalentsCpu));
  const falseFails = rows.filter((r) => r.inProcess.fast.status !== 'pass').map((r) => `${r.model.id}: ${r.inProcess.fast.status} — “${r.inProcess.fast.summary}”`);
  out.push(`- A fast verdict within ${TARGETS.fastFe} forward-equivalents (in process, CPU judged, wall / CPU shown): ${verdict(worstFe <= TARGETS.fastFe)} — ${fes.join('; ')}`);
  if (falseFails.length) out.push(`  - Fast mode did not pass these correct models: ${falseFails.join('; ')}`);
  for (const net of homework) {
    const e2e = median(net.engineMs);
    const inProcess = `in process ${sig(median(net.inProcessMs))} ms`;
    out.push(
      net.engineMs.length
        ? `- The two-layer homework net, ${net.label}, checked in under ${TARGETS.homeworkMs} ms (${net.mode} mode, end to end through a warm engine, ${net.workers} workers): ${verdict(e2e < TARGETS.homeworkMs)} — ${sig(e2e)} ms (${inProcess}; ${net.status})`
        : `- The two-layer homework net, ${net.label}, in under ${TARGETS.homeworkMs} ms: end to end not measured (${inProcess})`,
    );
  }
  return out;
}

export function renderNotes(rows: ModelRow[], env: Environment): string[] {
  const notes = [
    `- N: elements of every checked tensor. Forward: the declaration's own loss/forward called directly on the engine's inputs — wall-clock, median of ≥ 200 individually timed calls after a warm-up; CPU, median per call over ~2 ms batches (process.cpuUsage). Timed again before every repetition; each ratio pairs a check with the forward timing taken just before it, and the median ratio is shown.`,
    `- Full / fast: runDeclarationCheck in this process (the function a worker runs), mode 'full' / 'fast'; medians over ${env.budget.reps}+ repetitions (fewer for checks that would not fit the ${env.budget.cellSeconds} s cell budget). Overhead = check time / (2N × forward time). Evals / 2N: forward passes the check made (baseline included) over the limit. Richardson: elements whose first central difference did not settle them (8 evaluations instead of 2). Eval / forward: mean time of one evaluation inside the engine over the bare forward.`,
    `- E2E: Engine.checkFile on the model file with one worker and with two (dist/worker.js, warm pool, bundle loaded), alternating; wall-clock from request to assembled report, compile and discovery included. Engine fixed ms: E2E minus the check time reported by the worker(s) (1 worker). Speed-up: median of paired 1-worker / 2-worker times, over up to ${3 * env.budget.reps} rounds that fit the cell budget. Each extra shard re-does the two baseline evaluations and the analytic gradient (and, in fast mode, the whole directional pass).`,
  ];
  if (rows.some((r) => r.inProcess.full.shardCount > 1)) {
    notes.push(`- ² Measured on 1/${Math.max(...rows.map((r) => r.inProcess.full.shardCount))} of the elements (a shard, as the engine splits work over workers) to fit the budget: the overhead is measured, the seconds (≈) are extrapolated. Raise --cell to time the whole check.`);
  }
  const skipped = rows.filter((r) => r.engine?.skipped);
  if (skipped.length) notes.push(`- ¹ ${skipped.map((r) => `${r.model.id}: ${r.engine!.skipped}`).join('; ')}.`);
  if (env.torch.ok) {
    const t = env.torch.results;
    notes.push(
      `- torch: torch.autograd.gradcheck ${t.torch} (Python ${t.python}, ${t.threads} thread), float64, default eps/atol/rtol, fast_mode False / True; models as gradcheck(loss, params), layers as gradcheck(layer, inputs) on the output tensor (full mode then also runs one backward pass per output element to build the analytical Jacobian). Forward timed the same way (grad mode on).`,
    );
    const subsets = t.models.filter((m) => m.full.subset);
    if (subsets.length) notes.push(`- ³ torch full mode measured on a subset of the inputs (the rest not requiring grad) to fit the budget: ${subsets.map((m) => `${m.id}: ${m.full.subset}`).join('; ')}.`);
  } else {
    notes.push(`- torch: not run — ${env.torch.reason}.`);
  }
  notes.push(
    `- Machine: ${env.cpu}, ${env.cores} cores, Node ${env.node}; load average ${env.loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${env.loadAfter.map((l) => l.toFixed(1)).join(' ')} after. The machine may be shared: wall-clock ratios of long checks include time other processes held the cores, CPU-time ratios mostly do not. Never assert on these numbers.`,
  );
  return notes;
}

export function renderMarkdown(rows: ModelRow[], homework: HomeworkResult[], env: Environment): string {
  return [
    `# Gradlens benchmark — ${env.date}${env.commit ? ` (${env.commit})` : ''}`,
    '',
    renderTable(rows),
    '',
    '## Targets',
    '',
    ...renderTargets(rows, homework, env.parallelism),
    '',
    '## How these were measured',
    '',
    ...renderNotes(rows, env),
    '',
    `Total benchmark time: ${env.seconds.toFixed(0)} s.`,
    '',
  ].join('\n');
}
