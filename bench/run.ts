// `npm run bench`: the reference models against the limit of a per-element check (2N forward passes), fast
// mode in forward-pass equivalents, the speed-up from a second core, and PyTorch's gradcheck side by side;
// then the large models (10^5 and 10^6 parameters), correct and with a known bug, end to end in the default
// mode. Prints markdown tables to stdout (progress goes to stderr) and writes them to bench/results/latest.md,
// with the raw numbers in bench/results/latest.json. A benchmark, not a test: nothing here asserts a timing.
//
//   npm run bench -- [--models mlp-20-50-10,conv,mlp-784-1258-10] [--reps 5] [--cell 10]
//                    [--no-engine] [--no-torch] [--no-homework] [--no-large]

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Declaration } from '../core/contract/declarations';
import type { Engine } from '../core/engine/engine';
import type { Mode } from '../core/report/types';
import { ROOT, checkThroughEngine, loadEngine } from './lib/engine-path';
import { checkInProcess } from './lib/in-process';
import { measureEngine } from './lib/measure-engine';
import { measureInProcess, type Budget } from './lib/measure-in-process';
import { measureLarge, type LargeResult } from './lib/measure-large';
import { measureParallelism } from './lib/parallelism';
import { BENCH_MODELS, HOMEWORK_NETS, LARGE_MODELS, type BenchModel, type LargeModel } from './lib/models';
import { renderMarkdown, type Environment, type HomeworkResult, type ModelRow } from './lib/report';
import { runTorchGradcheck, type TorchOutcome } from './lib/torch';

const RESULTS = path.join(ROOT, 'bench', 'results');

const { values: args } = parseArgs({
  options: {
    // Default: every reference model, and every large one unless --no-large.
    models: { type: 'string' },
    reps: { type: 'string', default: '5' },
    cell: { type: 'string', default: '10' },
    'no-engine': { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    'no-homework': { type: 'boolean', default: false },
    'no-large': { type: 'boolean', default: false },
  },
});

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function selectedModels(): { small: BenchModel[]; large: LargeModel[] } {
  const known = [...BENCH_MODELS, ...LARGE_MODELS].map((m) => m.id);
  const ids =
    args.models === undefined
      ? known
      : args.models
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length) throw new Error(`unknown model ${unknown.join(', ')} (known: ${known.join(', ')})`);
  if (!ids.length) throw new Error('--models lists no model');
  let large = LARGE_MODELS.filter((m) => ids.includes(m.id));
  if (args['no-large'] && large.length) {
    if (args.models !== undefined) log(`--no-large: skipping ${large.map((m) => m.id).join(', ')}`);
    large = [];
  }
  const small = BENCH_MODELS.filter((m) => ids.includes(m.id));
  if (!small.length && !large.length) throw new Error('no model left to measure (--no-large with only large models)');
  return { small, large };
}

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number, got ${text}`);
  return value;
}

async function loadDeclaration(file: string, exportName: string): Promise<Declaration> {
  const mod = (await import(file)) as Record<string, Declaration>;
  const decl = mod[exportName];
  if (!decl) throw new Error(`${file} does not export ${exportName}`);
  return decl;
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** A homework net in its default mode, in process and end to end through a warm engine. */
async function measureHomework(net: (typeof HOMEWORK_NETS)[number], engine: Engine | undefined, workers: number, budget: Budget): Promise<HomeworkResult> {
  const decl = await loadDeclaration(net.file, net.exportName);
  const mode: Mode = decl.mode ?? 'auto';
  const reps = Math.max(5, budget.reps);
  const inProcessMs: number[] = [];
  for (let r = 0; r < reps; r++) inProcessMs.push(checkInProcess(decl, net.exportName, mode).wallMs);
  const result: HomeworkResult = { label: net.label, workers, engineMs: [], inProcessMs, mode, status: 'engine not run' };
  if (!engine) return result;
  // Untimed first check: the bundle loads into the workers.
  await checkThroughEngine(engine, net.file, net.exportName, mode);
  for (let r = 0; r < reps; r++) {
    const run = await checkThroughEngine(engine, net.file, net.exportName, mode);
    result.engineMs.push(run.wallMs);
    result.status = `${run.report.status}, ${run.report.evaluations} evaluations`;
  }
  return result;
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const { small: models, large: largeModels } = selectedModels();
  const budget: Budget = { cellSeconds: positive('cell', args.cell), reps: Math.round(positive('reps', args.reps)) };
  const useEngine = !args['no-engine'];
  const useTorch = !args['no-torch'];

  let engines: { one: Engine; two: Engine; home: Engine; homeWorkers: number } | undefined;
  if (useEngine) {
    const { Engine, defaultWorkers } = await loadEngine(log);
    const one = new Engine({ workers: 1 });
    const two = new Engine({ workers: 2 });
    const homeWorkers = defaultWorkers();
    const home = homeWorkers === 1 ? one : homeWorkers === 2 ? two : new Engine({ workers: homeWorkers });
    engines = { one, two, home, homeWorkers };
  }

  // What the machine gives two processes now, before and after: the 2-worker speed-up is bounded by it. Measured
  // with the reference models only (it qualifies their speed-ups), as are the homework nets.
  const parallelism: number[] = [];
  if (engines && models.length) parallelism.push(await measureParallelism());
  const rows: ModelRow[] = [];
  const homework: HomeworkResult[] = [];
  const large: LargeResult[] = [];
  try {
    for (const model of models) {
      const decl = await loadDeclaration(model.file, model.exportName);
      log(`${model.id}: in process`);
      const inProcess = measureInProcess(decl, model.exportName, budget);
      const row: ModelRow = { model, inProcess };
      if (engines) {
        log(`${model.id}: end to end, 1 and 2 workers`);
        const estimateMs = inProcess.full.wallSeconds * 1000;
        row.engine = await measureEngine(engines.one, engines.two, model.file, model.exportName, estimateMs, budget);
      }
      rows.push(row);
    }
    if (!args['no-homework'] && models.length) {
      for (const net of HOMEWORK_NETS.filter((n) => existsSync(n.file))) {
        log(`${net.label}: default mode`);
        homework.push(await measureHomework(net, engines?.home, engines?.homeWorkers ?? 0, budget));
      }
    }
    if (engines && models.length) parallelism.push(await measureParallelism());
    if (largeModels.length && engines) {
      // Start the default-workers pool (every process, V8 warm) with the small net before timing anything large.
      const warm = HOMEWORK_NETS[0];
      try {
        for (let i = 0; i < 2; i++) await checkThroughEngine(engines.home, warm.file, warm.exportName, 'auto');
      } catch (e) {
        log(`warming the engine on ${path.basename(warm.file)} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    for (const model of largeModels) {
      log(`${model.id}: end to end, default mode, ${engines?.homeWorkers ?? 0} workers (each check up to the time limit)`);
      try {
        large.push(await measureLarge(model, engines?.home, budget, log));
      } catch (e) {
        // Loading the file or timing its forward failed: say so in the output instead of losing the run.
        const message = e instanceof Error ? e.message : String(e);
        log(`${model.id}: ${message}`);
        large.push({
          model,
          size: NaN,
          injected: NaN,
          forward: { wallMs: NaN, cpuMs: NaN, before: { wallMs: NaN, cpuMs: NaN, calls: 0 } },
          mode: 'auto',
          workers: 0,
          skipped: `failed: ${message}`,
        });
      }
    }
  } finally {
    await Promise.all([...new Set([engines?.one, engines?.two, engines?.home])].map((e) => e?.dispose()));
  }

  // Last, so that PyTorch does not compete with the measurements above.
  let torch: TorchOutcome = { ok: false, reason: 'skipped (--no-torch)' };
  if (useTorch) {
    log('torch.autograd.gradcheck');
    torch = runTorchGradcheck(
      [...models, ...largeModels].map((m) => m.id),
      { reps: 3, budgetSeconds: budget.cellSeconds },
    );
    if (torch.ok) {
      for (const row of rows) row.torch = torch.results.models.find((t) => t.id === row.model.id);
      for (const result of large) result.torch = torch.results.large?.find((t) => t.id === result.model.id);
    } else log(`torch: ${torch.reason}`);
  }

  const env: Environment = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: gitCommit(),
    node: process.versions.node,
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    loadBefore,
    loadAfter: os.loadavg(),
    parallelism,
    seconds: (performance.now() - started) / 1000,
    torch,
    budget,
  };
  const markdown = renderMarkdown(rows, homework, env, large);
  process.stdout.write(markdown);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, 'latest.md'), markdown);
  // The raw numbers, each engine run reduced to its timings (a report carries every element).
  const slim = (key: string, value: unknown) =>
    key === 'report' && value && typeof value === 'object'
      ? (({ status, evaluations, checkMs, timeMs, workers, forwardMs }: Record<string, unknown>) => ({
          status,
          evaluations,
          checkMs,
          timeMs,
          workers,
          forwardMs,
        }))(value as Record<string, unknown>)
      : value;
  writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify({ env, rows, homework, large }, slim, 1));
  log(`wrote ${path.relative(process.cwd(), path.join(RESULTS, 'latest.md'))}`);
}

main().catch((error) => {
  process.stderr.write(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
