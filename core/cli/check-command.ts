// `gradlens check [paths...]`: finds model files, checks every declaration on the worker pool, prints the
// terminal report (or JSON), and writes JUnit and HTML files on request.

import { setMaxListeners } from 'node:events';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_MODE, DEFAULT_TIME_LIMIT_S, DEFAULT_TOLERANCE, MAX_DEFAULT_WORKERS } from '../defaults';
import { Engine } from '../engine/engine';
import type { CheckOverrides } from '../engine/api';
import { buildRunReport, exitCode, type FileOutcome } from '../report/run';
import type { Mode } from '../report/types';
import { renderHtmlReport } from '../report/html';
import { writeFileAtomic } from '../util/files';
import { EvaluationProgressTracker } from './evaluation-progress';
import { findModelFiles } from './find-files';
import { junitXml } from './junit';
import { formatRun, palette } from './terminal-report';

interface CheckFlags {
  json?: boolean | string;
  junit?: string;
  html?: string;
  mode?: Mode;
  rtol?: string;
  seed?: string;
  workers?: string;
  timeLimit?: string;
  memoryLimit?: string;
  only?: string[];
  color?: boolean;
  progress?: boolean;
  verbose?: boolean;
}

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${value}'`);
  return n;
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('check the gradients of every fn/layer/model declaration in the given files, folders or globs')
    .argument('[paths...]', 'files, folders or globs (default: the current folder)')
    .option('--json [file]', 'print the JSON report (or write it to a file)')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--html <file>', 'write a self-contained HTML report with heatmaps')
    .addOption(
      new Option('--mode <mode>', `checking mode of every declaration, overriding their own (default: each declaration's mode, else ${DEFAULT_MODE})`).choices([
        'auto',
        'full',
        'fast',
        'sample',
      ]),
    )
    .option(
      '--rtol <x>',
      `relative tolerance of every declaration, overriding their own (default: each declaration's tolerance, else ${DEFAULT_TOLERANCE.float64.rtol.toExponential()} for float64 and ${DEFAULT_TOLERANCE.float32.rtol.toExponential()} for float32 code)`,
    )
    .option('--seed <n>', 'seed for inputs, upstream gradients and directions')
    .option('--only <names...>', 'only these declarations (export names)')
    .option('--workers <n>', `processes to spread checks over (default: the number of cores, at most ${MAX_DEFAULT_WORKERS})`)
    .option(
      '--time-limit <seconds>',
      `time limit of each declaration's check in seconds, overriding their own timeLimit (default: the declaration's timeLimit, else ${DEFAULT_TIME_LIMIT_S} s)`,
    )
    .option('--memory-limit <MiB>', 'memory limit of each checking process, in MiB', String(DEFAULT_MEMORY_LIMIT_MB))
    .option('--no-color', 'plain output')
    .option('--no-progress', 'no progress bar')
    .option('-v, --verbose', 'show every tensor and the cost of each check')
    .action(async (paths: string[], flags: CheckFlags) => {
      process.exitCode = await runCheck(paths, flags);
    });
}

export async function runCheck(paths: string[], flags: CheckFlags): Promise<number> {
  const started = new Date();
  const t0 = performance.now();
  const jsonToStdout = flags.json === true;
  const color = flags.color !== false && !jsonToStdout && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const p = palette(color);
  const overrides: CheckOverrides = {
    mode: flags.mode,
    rtol: positiveNumber('--rtol', flags.rtol),
    seed: flags.seed !== undefined ? Number(flags.seed) : undefined,
    timeLimitMs: flags.timeLimit !== undefined ? positiveNumber('--time-limit', flags.timeLimit)! * 1000 : undefined,
  };
  const found = await findModelFiles(paths);
  if (!found.files.length) {
    for (const m of found.missing) process.stderr.write(`gradlens: nothing matches '${m}'\n`);
    process.stderr.write('gradlens: no files with fn/layer/model declarations found\n');
    return 2;
  }
  const engine = new Engine({
    workers: positiveNumber('--workers', flags.workers),
    memoryLimitMb: positiveNumber('--memory-limit', flags.memoryLimit),
  });
  const abort = new AbortController();
  // Every queued job listens on this one signal.
  setMaxListeners(0, abort.signal);
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  const showProgress = flags.progress !== false && process.stderr.isTTY === true && !jsonToStdout;
  const bar = showProgress
    ? new SingleBar({
        format: ' {bar} {line}',
        barCompleteChar: '\u2587',
        barIncompleteChar: '\u2591',
        hideCursor: true,
        clearOnComplete: true,
        stream: process.stderr,
      })
    : null;
  const tracker = new EvaluationProgressTracker();
  // The bar moves with the evaluations of the running declarations too, so a long check does not look stuck.
  // (A total of 0 would draw a full bar before anything is known.)
  const redraw = () => {
    bar?.setTotal(Math.max(1, tracker.total));
    bar?.update(Math.min(tracker.value, tracker.total), { line: tracker.line() });
  };
  bar?.start(1, 0, { line: tracker.line() });
  try {
    const outcomes: FileOutcome[] = await Promise.all(
      found.files.map(async (file) => {
        const result = await engine.checkFile({
          file,
          names: flags.only,
          overrides,
          signal: abort.signal,
          onProgress: (progress) => {
            tracker.declarationDone(progress);
            redraw();
          },
          // Only asked for when drawn: without a listener the engine need not stream anything.
          onEvaluations: bar
            ? (progress) => {
                tracker.evaluations(progress);
                redraw();
              }
            : undefined,
        });
        tracker.fileDone(path.resolve(file));
        redraw();
        // With --only, a file without those names is simply not concerned.
        const findings = flags.only ? result.findings.filter((f) => f.code !== 'not-a-declaration') : result.findings;
        return { file, declarations: result.declarations, findings };
      }),
    );
    // A path that matched nothing is a file that could not be checked, in every output (and exit code 2), also
    // when other paths did match: a typo must not pass as a clean run.
    outcomes.push(...found.missing.map((m) => missingPath(m)));
    const unknown = (flags.only ?? []).filter((n) => !outcomes.some((o) => o.declarations.some((d) => d.name === n)));
    for (const n of unknown) process.stderr.write(`gradlens: no declaration named '${n}' in the checked files\n`);
    bar?.stop();
    const run = buildRunReport(outcomes, started, performance.now() - t0);
    if (jsonToStdout) process.stdout.write(JSON.stringify(run, null, 2) + '\n');
    else process.stdout.write(formatRun(run, p, flags.verbose) + '\n');
    if (typeof flags.json === 'string') await writeFileAtomic(path.resolve(flags.json), JSON.stringify(run, null, 2) + '\n');
    if (flags.junit) await writeFileAtomic(path.resolve(flags.junit), junitXml(run));
    if (flags.html) await writeFileAtomic(path.resolve(flags.html), renderHtmlReport(run));
    return abort.signal.aborted ? 130 : unknown.length ? 2 : exitCode(run);
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    await engine.dispose();
  }
}

function missingPath(arg: string): FileOutcome {
  return {
    file: path.resolve(arg),
    declarations: [],
    findings: [{ severity: 'error', code: 'load-error', message: `nothing matches '${arg}' (no such file or folder, or a glob that matches no file)` }],
  };
}
