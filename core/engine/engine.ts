// The engine as the CLI, the grader and the extension use it: compile a model file, list its declarations in
// a worker, check each one (split over the workers when a file has fewer declarations than there are
// workers), and assemble reports from the raw numbers here, in the caller's process.

import * as os from 'node:os';
import * as path from 'node:path';
import { discoverDeclarations, findGradientSite, type DiscoveredDeclaration } from '../discovery';
import type { DeclarationReport, Finding, SourceRange } from '../report/types';
import { compileModelFile } from '../runner/compile';
import { WorkerPool, type JobOutcome } from '../runner/pool';
import type { CheckRequest, EngineOptions, FileResult } from './api';
import { assembleReport, mergeShards } from './assemble';
import { emptyRawCheck, type RawCheck } from './raw';
import { shardRanges } from './check';
import { PartialRaw } from './partial';
import type { Mode } from '../report/types';
import type { CheckEvent, CheckPayload, ListedDeclaration } from './worker-handlers';
import { PHASE_WORDS } from './user-code';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_MODE, DEFAULT_TIME_LIMIT_MS, LOAD_TIME_LIMIT_MS, MAX_DEFAULT_WORKERS } from '../defaults';

export function defaultWorkers(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(MAX_DEFAULT_WORKERS, cores));
}

/** "running backward", "loading the file", "building the inputs": what a phase was doing, after "while". */
export function phaseWhile(phase: string): string {
  const words = PHASE_WORDS[phase as keyof typeof PHASE_WORDS];
  if (!words) return `running ${phase}`;
  return phase === 'load' || phase === 'setup' ? words : `running ${words}`;
}

/** What a worker-level failure (time-out, memory, exit, crash) means for a declaration. */
export function outcomeFinding(outcome: Extract<JobOutcome, { ok: false }>, limits: { timeLimitMs: number; memoryLimitMb: number }, measured = 0): Finding {
  const during = outcome.phase ? ` while ${phaseWhile(outcome.phase)}` : '';
  const base = { severity: 'error' as const, ...(outcome.location ? { location: outcome.location } : {}), ...(outcome.phase ? { phase: outcome.phase } : {}) };
  switch (outcome.kind) {
    case 'timeout':
      return {
        ...base,
        code: 'timeout',
        message: measured
          ? `stopped at the time limit (${(limits.timeLimitMs / 1000).toFixed(limits.timeLimitMs < 1000 ? 1 : 0)} s)${during} after ${measured} evaluations: the report keeps what they measured; what was not reached is unchecked (raise timeLimit to check it)`
          : `stopped after ${(limits.timeLimitMs / 1000).toFixed(limits.timeLimitMs < 1000 ? 1 : 0)} s${during} before any evaluation came back: an infinite loop, or one evaluation longer than the time limit (raise timeLimit)`,
      };
    case 'memory':
      return { ...base, code: 'memory', message: `stopped: used more than ${limits.memoryLimitMb} MiB of memory${during} (a runaway allocation?)` };
    case 'exited':
      return { ...base, code: 'exited', message: `the code ended its process${during}: ${outcome.message}` };
    case 'crashed':
      return { ...base, code: 'crashed', message: `the checking process crashed${during}: ${outcome.message}` };
    case 'cancelled':
      return { ...base, severity: 'info', code: 'cancelled', message: 'the check was cancelled' };
    case 'load-error':
      return { ...base, code: 'load-error', message: `loading the file threw: ${outcome.message}` };
    case 'threw':
      return { ...base, code: 'threw', message: outcome.message };
  }
}

/**
 * A file that did not load: its top level runs before any declaration's own limits apply, under the load limit;
 * a time-out there is the file's top-level code, which no timeLimit option changes.
 */
export function loadFinding(outcome: Extract<JobOutcome, { ok: false }>, memoryLimitMb: number): Finding {
  const finding = outcomeFinding(outcome, { timeLimitMs: LOAD_TIME_LIMIT_MS, memoryLimitMb });
  if (outcome.kind !== 'timeout') return finding;
  return {
    ...finding,
    message: `loading the file did not finish within ${LOAD_TIME_LIMIT_MS / 1000} s: its top-level code (imports, constants, anything run at import) loops or takes that long; declarations' inputs are made when each is checked, so move slow set-up into an at: () => … function`,
  };
}

/** Declarations in the order they appear in their file (static discovery's ranges); any it did not find go last. */
export function inSourceOrder<T extends { name: string }>(declarations: T[], discovered: Map<string, { range: SourceRange }>): T[] {
  const at = (d: T) => {
    const range = discovered.get(d.name)?.range;
    return range ? range.start.line * 1e6 + range.start.column : Infinity;
  };
  return declarations
    .map((d, i) => ({ d, i, at: at(d) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.d);
}

/** Smallest element count worth a second process (below it, starting the other worker's copy costs more). */
const SPLIT_MIN_ELEMENTS = 64;

/**
 * Static splitting is for explicit element-by-element modes (full, sample), whose work is known up front. Auto
 * and fast checks run as one job that measures its own cost and hands long element lists back to be spread.
 */
export function worthSplitting(decl: ListedDeclaration, modeOverride?: Mode): boolean {
  const mode = modeOverride ?? decl.mode ?? DEFAULT_MODE;
  const n = decl.elements;
  if (mode !== 'full' && mode !== 'sample') return false;
  return n === undefined || n >= SPLIT_MIN_ELEMENTS;
}

export class Engine {
  private pool: WorkerPool | undefined;
  private readonly workers: number;
  private readonly memoryLimitMb: number;

  constructor(private readonly options: EngineOptions = {}) {
    this.workers = Math.max(1, options.workers ?? defaultWorkers());
    this.memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  }

  get workerCount(): number {
    return this.workers;
  }

  private getPool(): WorkerPool {
    this.pool ??= new WorkerPool({
      size: this.workers,
      memoryLimitMb: this.memoryLimitMb,
      execArgv: this.options.execArgv,
      env: this.options.env,
      log: this.options.log,
    });
    return this.pool;
  }

  async checkFile(request: CheckRequest): Promise<FileResult> {
    const started = performance.now();
    const file = path.resolve(request.file);
    const result: FileResult = { file, declarations: [], findings: [], dependencies: [file], cancelled: false };
    const compiled = await compileModelFile(file, {
      overlays: request.text !== undefined ? { [file]: request.text } : undefined,
      cacheDir: this.options.cacheDir,
    });
    result.dependencies = compiled.dependencies.length ? compiled.dependencies : [file];
    if (!compiled.ok || !compiled.path) {
      result.findings.push(...compiled.findings);
      return result;
    }
    if (request.signal?.aborted) return { ...result, cancelled: true };

    const discovered = this.discover(file, request.text);
    const pool = this.getPool();
    const listed = await pool.run<ListedDeclaration[]>(
      { type: 'list', bundlePath: compiled.path, payload: {} },
      { timeLimitMs: LOAD_TIME_LIMIT_MS, signal: request.signal },
    );
    if (!listed.ok) {
      if (listed.kind === 'cancelled') return { ...result, cancelled: true };
      result.findings.push(loadFinding(listed, this.memoryLimitMb));
      return result;
    }
    // The bundle lists exports alphabetically (esbuild sorts them): report them in source order, as written.
    const wanted = inSourceOrder(request.names ? listed.result.filter((d) => request.names!.includes(d.name)) : listed.result, discovered);
    if (request.names) {
      for (const name of request.names.filter((n) => !listed.result.some((d) => d.name === n))) {
        result.findings.push({
          severity: 'error',
          code: 'not-a-declaration',
          message: `'${name}' is not an exported fn/layer/model declaration of ${path.basename(file)}`,
        });
      }
    }
    // Few declarations: split each over the workers; many: one worker each, the pool spreads them.
    const spare = Math.max(1, Math.floor(this.workers / Math.max(1, wanted.length)));
    let done = 0;
    const reports = await Promise.all(
      wanted.map(async (decl) => {
        const shards = worthSplitting(decl, request.overrides?.mode) ? spare : 1;
        const report = await this.checkDeclaration(compiled.path!, file, decl, shards, discovered.get(decl.name), request, started);
        done++;
        request.onReport?.(report);
        request.onProgress?.({ file, declaration: decl.name, done, total: wanted.length });
        return report;
      }),
    );
    result.declarations = reports;
    result.cancelled = request.signal?.aborted ?? false;
    return result;
  }

  private discover(file: string, text?: string): Map<string, DiscoveredDeclaration> {
    try {
      const found = discoverDeclarations(file, { text });
      return new Map(found.declarations.map((d) => [d.name, d]));
    } catch (e) {
      this.options.log?.('warn', `static discovery failed for ${file}: ${(e as Error).message}`);
      return new Map();
    }
  }

  private async checkDeclaration(
    bundlePath: string,
    file: string,
    decl: ListedDeclaration,
    shards: number,
    site: DiscoveredDeclaration | undefined,
    request: CheckRequest,
    started: number,
  ): Promise<DeclarationReport> {
    const overrides = request.overrides ?? {};
    const timeLimitMs = overrides.timeLimitMs ?? decl.timeLimit ?? this.options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
    const pool = this.getPool();
    const checkStarted = performance.now();
    const progress = new ProgressMeter(file, decl.name, checkStarted, request.onEvaluations);
    const partials: PartialRaw[] = [];
    const runJob = (job: CheckPayload['job'], limitMs: number, slot: number) => {
      const partial = new PartialRaw();
      partials.push(partial);
      return pool.run<RawCheck>(
        { type: 'check', bundlePath, payload: { exportName: decl.name, overrides, job } satisfies CheckPayload },
        {
          timeLimitMs: limitMs,
          signal: request.signal,
          onEvent: (event) => {
            const e = event as CheckEvent;
            if (e.kind === 'progress') progress.update(slot, e.stage, e.done, e.planned);
            else if (e.kind === 'partial') partial.add(e);
          },
        },
      );
    };
    const first = await Promise.all(
      Array.from({ length: shards }, (_, index) =>
        runJob({ shard: { index, count: shards }, timeLimitMs, workers: shards > 1 ? 1 : this.workers }, timeLimitMs, index),
      ),
    );
    const outcomes: JobOutcome<RawCheck>[] = [...first];
    // Elements the check handed back: spread over every worker, each with what is left of the time limit.
    const deferred = first.length === 1 && first[0].ok ? first[0].result.deferred : undefined;
    if (deferred?.length) {
      const left = Math.max(1000, timeLimitMs - (performance.now() - checkStarted));
      const parts = Math.max(1, this.workers);
      const jobs = Array.from({ length: parts }, (_, index) => shardRanges(deferred, { index, count: parts })).filter((r) => r.length);
      outcomes.push(...(await Promise.all(jobs.map((targets, i) => runJob({ targets, timeLimitMs: left, workers: 1 }, left, i + 1)))));
    }
    const ok = outcomes.flatMap((o, i) => (o.ok ? [o.result] : partials[i].raw() ? [partials[i].raw()!] : []));
    const failures = outcomes.filter((o): o is Extract<JobOutcome<RawCheck>, { ok: false }> => !o.ok);
    const extraFindings: Finding[] = [];
    const seen = new Set<string>();
    const measured = ok.reduce((a, r) => a + Math.max(0, r.evaluations - 2), 0);
    for (const f of failures) {
      if (seen.has(f.kind)) continue;
      seen.add(f.kind);
      extraFindings.push(outcomeFinding(f, { timeLimitMs, memoryLimitMb: this.memoryLimitMb }, measured));
    }
    const raw: RawCheck = ok.length ? mergeShards(ok) : emptyRaw(decl, overrides.mode ?? decl.mode ?? DEFAULT_MODE, shards);
    if (failures.length && ok.length) {
      raw.checked = ok.some((r) => r.checked);
      raw.stoppedEarly = true;
    }
    if (failures.length && !ok.length) raw.checked = false;
    delete raw.deferred;
    const sourceOf = (t: { path: string; gradientKey: string | null }): SourceRange | undefined =>
      site ? findGradientSite(site, t.path, t.gradientKey)?.range : undefined;
    return assembleReport(raw, {
      file,
      range: site?.range,
      sourceOf,
      timeMs: performance.now() - started,
      workers: Math.max(shards, deferred?.length ? this.workers : 1),
      extraFindings,
      partial: failures.length > 0 && ok.length > 0,
    });
  }

  async dispose(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.dispose();
  }
}

/** A declaration that produced no numbers at all. */
function emptyRaw(decl: ListedDeclaration, mode: Mode, shards: number): RawCheck {
  return emptyRawCheck({
    name: decl.name,
    kind: decl.kind,
    dtype: 'float64',
    mode,
    seed: 0,
    tolerance: { rtol: 0, floor: 0, c: 0 },
    eps: 0,
    objectives: 1,
    shard: { index: 0, count: shards },
  });
}

/** Adds up the progress of a declaration's jobs and calls back at most a few times a second, with an estimate. */
class ProgressMeter {
  private readonly jobs = new Map<number, { stage: string; done: number; planned: number }>();
  private last = 0;
  constructor(
    private readonly file: string,
    private readonly declaration: string,
    private readonly started: number,
    private readonly callback: CheckRequest['onEvaluations'],
  ) {}

  update(job: number, stage: string, done: number, planned: number): void {
    if (!this.callback) return;
    this.jobs.set(job, { stage, done, planned });
    const now = performance.now();
    if (now - this.last < 250) return;
    this.last = now;
    let sumDone = 0;
    let sumPlanned = 0;
    for (const j of this.jobs.values()) {
      sumDone += j.done;
      sumPlanned += Math.max(j.planned, j.done);
    }
    const elapsedMs = now - this.started;
    const parallel = Math.max(1, this.jobs.size - (this.jobs.has(0) && this.jobs.size > 1 ? 1 : 0));
    // The first evaluations include loading and the baseline: no estimate until the rate means something.
    const etaMs = sumDone >= 8 && elapsedMs >= 500 ? ((sumPlanned - sumDone) * elapsedMs) / sumDone / parallel : undefined;
    this.callback({
      file: this.file,
      declaration: this.declaration,
      stage,
      done: sumDone,
      planned: sumPlanned,
      elapsedMs,
      ...(etaMs !== undefined ? { etaMs } : {}),
    });
  }
}
