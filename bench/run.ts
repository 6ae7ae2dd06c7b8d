// `npm run bench`: the reference models against the limit of a per-element check (2N forward passes), fast
// mode in forward-pass equivalents, the speed-up from a second core, and PyTorch's gradcheck side by side.
// Prints one markdown table to stdout (progress goes to stderr) and writes it to bench/results/latest.md,
// with the raw numbers in bench/results/latest.json. A benchmark, not a test: nothing here asserts a timing.
//
//   npm run bench -- [--models mlp-20-50-10,conv] [--reps 5] [--cell 10] [--no-engine] [--no-torch] [--no-homework]

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
import { measureParallelism } from './lib/parallelism';
import { BENCH_MODELS, HOMEWORK_NETS, type BenchModel } from './lib/models';
import { renderMarkdown, type Environment, type HomeworkResult, type ModelRow } from './lib/report';
import { runTorchGradcheck, type TorchOutcome } from './lib/torch';

const RESULTS = path.join(ROOT, 'bench', 'results');

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: BENCH_MODELS.map((m) => m.id).join(',') },
    reps: { type: 'string', default: '5' },
    cell: { type: 'string', default: '10' },
    'no-engine': { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    'no-homework': { type: 'boolean', default: false },
  },
});

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function selectedModels(): BenchModel[] {
  const ids = args.models!.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !BENCH_MODELS.some((m) => m.id === id));
  if (unknown.length) throw new Error(`unknown model ${unknown.join(', ')} (known: ${BENCH_MODELS.map((m) => m.id).join(', ')})`);
  if (!ids.length) throw new Error('--models lists no model');
  return BENCH_MODELS.filter((m) => ids.includes(m.id));
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
  const models = selectedModels();
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

  // What the machine gives two processes now, before and after: the 2-worker speed-up is bounded by it.
  const parallelism: number[] = [];
  if (engines) parallelism.push(await measureParallelism());
  const rows: ModelRow[] = [];
  const homework: HomeworkResult[] = [];
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
    if (!args['no-homework']) {
      for (const net of HOMEWORK_NETS.filter((n) => existsSync(n.file))) {
        log(`${net.label}: default mode`);
        homework.push(await measureHomework(net, engines?.home, engines?.homeWorkers ?? 0, budget));
      }
    }
    if (engines) parallelism.push(await measureParallelism());
  } finally {
    await Promise.all([...new Set([engines?.one, engines?.two, engines?.home])].map((e) => e?.dispose()));
  }

  // Last, so that PyTorch does not compete with the measurements above.
  let torch: TorchOutcome = { ok: false, reason: 'skipped (--no-torch)' };
  if (useTorch) {
    log('torch.autograd.gradcheck');
    torch = runTorchGradcheck(models.map((m) => m.id), { reps: 3, budgetSeconds: budget.cellSeconds });
    if (torch.ok) for (const row of rows) row.torch = torch.results.models.find((t) => t.id === row.model.id);
    else log(`torch: ${torch.reason}`);
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
  const markdown = renderMarkdown(rows, homework, env);
  process.stdout.write(markdown);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, 'latest.md'), markdown);
  // The raw numbers, each engine run reduced to its timings (a report carries every element).
  const slim = (key: string, value: unknown) =>
    key === 'report' && value && typeof value === 'object'
      ? (({ status, evaluations, checkMs, timeMs, workers, forwardMs }: Record<string, unknown>) => ({ status, evaluations, checkMs, timeMs, workers, forwardMs }))(value as Record<string, unknown>)
      : value;
  writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify({ env, rows, homework }, slim, 1));
  log(`wrote ${path.relative(process.cwd(), path.join(RESULTS, 'latest.md'))}`);
}

main().catch((error) => {
  process.stderr.write(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
