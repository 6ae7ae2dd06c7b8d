// The runner: compiling model files with esbuild, and the pool of worker processes with its limits.
// Most pools here run the worker bundled the way `node esbuild.config.mjs --only=worker` bundles it (what ships,
// and quick to start); one runs it from TS sources under tsx, the path the pool picks by itself in tests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileModelFile, type CompiledBundle } from '../../core/runner/compile';
import { WorkerPool, type JobOutcome } from '../../core/runner/pool';
import { buildWorker } from '../fixtures/class/build';

const fixtures = path.resolve(__dirname, '../fixtures/runner');
const fixture = (name: string) => path.join(fixtures, name);
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlens-runner-test-'));
after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));
let workerScript = '';
// The worker bundled from the sources (dist/ may be stale), as the grading tests do.
before(async () => {
  workerScript = await buildWorker(cacheDir);
});

async function compiled(file: string, overlays?: Record<string, string>): Promise<CompiledBundle & { path: string }> {
  const bundle = await compileModelFile(file, { cacheDir, overlays });
  assert.ok(bundle.ok && bundle.path, `compile failed: ${JSON.stringify(bundle.findings)}`);
  return bundle as CompiledBundle & { path: string };
}

/** Loads a bundle in this process with a stand-in runtime, to look at what it exports. */
function load(bundlePath: string, runtime: object): Record<string, unknown> {
  (globalThis as Record<string, unknown>).__gradlensRuntime = runtime;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled bundle, as the worker loads it
  return require(bundlePath) as Record<string, unknown>;
}

/** Alive and not a zombie (a container's init may be slow to reap orphans). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // No /proc (macOS), or the process went away in between.
    return fs.existsSync('/proc/self') ? false : true;
  }
}

function failed(outcome: JobOutcome): Extract<JobOutcome, { ok: false }> {
  assert.equal(outcome.ok, false, `expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome as Extract<JobOutcome, { ok: false }>;
}

describe('compileModelFile', () => {
  test('bundles relative imports and tsconfig paths aliases, and lists the local dependencies', async () => {
    const main = fixture('compile/main.ts');
    const bundle = await compiled(main);
    assert.deepEqual(bundle.dependencies, [main, fixture('compile/lib/double.ts'), fixture('compile/shared/square.ts')]);
    assert.equal(path.dirname(bundle.path), cacheDir);
    assert.match(path.basename(bundle.path), new RegExp(`^${bundle.hash}\\.js$`));
    const exports = load(bundle.path, { fn: () => 'the worker runtime' });
    assert.equal(exports.value, 18);
    // 'gradlens' is the worker's runtime object, not a second copy of core/index.ts bundled in.
    assert.equal(exports.runtimeIsShared, true);
    assert.ok(!bundle.dependencies.some((file) => file.includes(`${path.sep}core${path.sep}`)));
  });

  test('an unchanged file reuses its bundle; nothing half-written is left behind', async () => {
    const first = await compiled(fixture('compile/main.ts'));
    const second = await compiled(fixture('compile/main.ts'));
    assert.equal(second.path, first.path);
    assert.equal(second.hash, first.hash);
    assert.deepEqual(
      fs.readdirSync(cacheDir).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  test('packages from node_modules are bundled but not listed; node built-ins stay external', async () => {
    const project = fs.mkdtempSync(path.join(cacheDir, 'project-'));
    const pkg = path.join(project, 'node_modules', 'tiny-scale');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'tiny-scale', main: 'index.js' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), 'exports.scale = (x) => 4 * x;\n');
    const file = path.join(project, 'model.ts');
    fs.writeFileSync(
      file,
      [
        "import { scale } from 'tiny-scale';",
        "import * as path from 'node:path';",
        'export const value = scale(2);',
        'export const where = [path.basename(__filename), path.basename(import.meta.url)];',
      ].join('\n'),
    );
    const bundle = await compiled(file);
    assert.deepEqual(bundle.dependencies, [file]);
    const code = fs.readFileSync(bundle.path, 'utf8');
    assert.match(code, /4 \* x/);
    assert.match(code, /require\("node:path"\)/);
    const exports = load(bundle.path, {});
    assert.equal(exports.value, 8);
    // The bundle lives in the cache, but sees the location of its source.
    assert.deepEqual(exports.where, ['model.ts', 'model.ts']);
  });

  test('a syntax error becomes a compile-error finding at its line and UTF-16 column', async () => {
    const file = fixture('broken-syntax.ts');
    const bundle = await compileModelFile(file, { cacheDir });
    assert.equal(bundle.ok, false);
    assert.equal(bundle.path, undefined);
    assert.equal(bundle.findings.length, 1);
    const [finding] = bundle.findings;
    assert.equal(finding.code, 'compile-error');
    assert.equal(finding.severity, 'error');
    const line = 'export const oops = λ + ;';
    assert.deepEqual(finding.location, {
      file,
      start: { line: 3, column: line.indexOf(';') },
      end: { line: 3, column: line.indexOf(';') + 1 },
    });
    assert.deepEqual(bundle.dependencies, [file]);
  });

  test('an import that does not resolve is reported at the import', async () => {
    const file = fixture('compile/main.ts');
    const text = "import { nothing } from './lib/missing';\nexport const value = nothing;\n";
    const bundle = await compileModelFile(file, { cacheDir, overlays: { [file]: text } });
    assert.equal(bundle.ok, false);
    assert.equal(bundle.findings[0].code, 'compile-error');
    assert.match(bundle.findings[0].message, /missing/);
    assert.deepEqual(bundle.findings[0].location?.start, { line: 0, column: 24 });
  });

  test('overlays replace files on disk (the entry and its imports) and change the hash', async () => {
    const main = fixture('compile/main.ts');
    const double = fixture('compile/lib/double.ts');
    const onDisk = await compiled(main);
    const edited = await compiled(main, {
      [main]: "import { double } from './lib/double';\nexport const value = double(5);\n",
      [double]: 'export function double(x: number): number {\n  return 3 * x;\n}\n',
    });
    assert.notEqual(edited.hash, onDisk.hash);
    assert.deepEqual(edited.dependencies, [main, double]);
    assert.equal(load(edited.path, {}).value, 15);
  });

  test('a buffer that was never saved compiles too', async () => {
    const unsaved = fixture('compile/untitled-model.ts');
    const bundle = await compiled(unsaved, { [unsaved]: "import { square } from './shared/square';\nexport const nine = square(3);\n" });
    assert.equal(load(bundle.path, {}).nine, 9);
  });
});

describe('WorkerPool', () => {
  let pool: WorkerPool;
  let jobs: string;
  const logs: string[] = [];
  const call = <T = unknown>(name: string, args: unknown[] = [], timeLimitMs = 10_000) =>
    pool.run<T>({ type: 'call', bundlePath: jobs, payload: { export: name, args } }, { timeLimitMs });

  before(async () => {
    pool = new WorkerPool({ size: 2, workerScript, log: (level, message) => logs.push(`${level} ${message}`) });
    jobs = (await compiled(fixture('jobs.ts'))).path;
  });
  after(() => pool.dispose());

  test('echo round trip keeps typed arrays and non-finite numbers', async (t) => {
    const started = performance.now();
    const first = await pool.run({ type: 'echo', payload: { v: new Float64Array([1, NaN, -Infinity]) } }, { timeLimitMs: 10_000 });
    const spawnAndFirst = performance.now() - started;
    assert.ok(first.ok);
    assert.deepEqual(first.result, { v: new Float64Array([1, NaN, -Infinity]) });
    const rounds = 50;
    const warm = performance.now();
    for (let i = 0; i < rounds; i++) {
      const outcome = await pool.run({ type: 'echo', payload: i }, { timeLimitMs: 10_000 });
      assert.deepEqual(outcome.ok && outcome.result, i);
    }
    t.diagnostic(`first job incl. worker spawn ${spawnAndFirst.toFixed(0)} ms; warm round trip ${((performance.now() - warm) / rounds).toFixed(2)} ms`);
  });

  test('a call on a bundle returns its result; its prints stay off the protocol', async () => {
    const sum = await call('add', [2, 3]);
    assert.ok(sum.ok);
    assert.equal(sum.result, 5);
    const floats = await call('floats');
    assert.ok(floats.ok);
    assert.deepEqual(floats.result, { v: new Float64Array([1.5, -2]), nan: NaN, inf: -Infinity });
    const noisy = await call('noisy');
    assert.ok(noisy.ok);
    assert.equal(noisy.result, 'quiet protocol');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(logs.some((line) => line.includes('user output on stdout')));
  });

  test('a throw at load is a load-error at the source-mapped TS line', async () => {
    const file = fixture('load-throw.ts');
    const bundle = await compiled(file);
    const outcome = failed(await pool.run({ type: 'echo', bundlePath: bundle.path, payload: null }, { timeLimitMs: 10_000 }));
    assert.equal(outcome.kind, 'load-error');
    assert.equal(outcome.message, 'failed during load');
    assert.equal(outcome.phase, 'load');
    assert.equal(outcome.location?.file, file);
    assert.equal(outcome.location?.start.line, 4);
    assert.match(outcome.stack ?? '', /load-throw\.ts:5:/);
  });

  test('a throw in a call is reported where it happened', async () => {
    const outcome = failed(await call('throwHere'));
    assert.equal(outcome.kind, 'threw');
    assert.equal(outcome.phase, 'throwHere');
    assert.equal(outcome.location?.file, fixture('jobs.ts'));
    const lines = fs.readFileSync(fixture('jobs.ts'), 'utf8').split('\n');
    assert.match(lines[outcome.location!.start.line], /throw new Error\('thrown from jobs\.ts'\)/);
  });

  test('process.exit is a clear failure of the job, and the worker survives', async () => {
    const before = await call<number>('pid');
    assert.ok(before.ok);
    const exit = failed(await call('exitNow', [3]));
    assert.equal(exit.kind, 'exited');
    assert.match(exit.message, /process\.exit\(3\)/);
    assert.equal(exit.location?.file, fixture('jobs.ts'));
    // Swallowing the error does not hide the attempt.
    const caught = failed(await call('exitCaught'));
    assert.equal(caught.kind, 'exited');
    const top = failed(await pool.run({ type: 'echo', bundlePath: (await compiled(fixture('top-exit.ts'))).path, payload: 0 }, { timeLimitMs: 10_000 }));
    assert.equal(top.kind, 'exited');
    assert.equal(top.phase, 'load');
    // Both slots may have served these jobs; every pid seen must still be alive and answering.
    const again = await Promise.all([call<number>('pid'), call<number>('pid')]);
    assert.ok(again.every((o) => o.ok));
    assert.ok(again.some((o) => o.ok && o.result === before.result));
  });

  test('an infinite loop in a call times out within the limit, naming the phase; the next job works', async () => {
    const phases: string[] = [];
    const outcome = failed(
      await pool.run({ type: 'call', bundlePath: jobs, payload: { export: 'spin', phase: 'backward' } }, { timeLimitMs: 600, onPhase: (p) => phases.push(p) }),
    );
    assert.equal(outcome.kind, 'timeout');
    assert.equal(outcome.phase, 'backward');
    assert.match(outcome.message, /Timed out after 600 ms while running backward/);
    assert.ok(outcome.durationMs >= 590 && outcome.durationMs < 900, `durationMs ${outcome.durationMs}`);
    assert.deepEqual(phases, ['backward']);
    const next = await call('add', [1, 1]);
    assert.ok(next.ok && next.result === 2);
  });

  test('an infinite loop at module top level times out while loading', async () => {
    const bundle = await compiled(fixture('top-loop.ts'));
    const outcome = failed(await pool.run({ type: 'echo', bundlePath: bundle.path, payload: 0 }, { timeLimitMs: 600 }));
    assert.equal(outcome.kind, 'timeout');
    assert.equal(outcome.phase, 'load');
    assert.match(outcome.message, /while loading the module/);
    assert.ok(outcome.durationMs < 900, `durationMs ${outcome.durationMs}`);
    const next = await pool.run({ type: 'echo', payload: 'still here' }, { timeLimitMs: 10_000 });
    assert.ok(next.ok && next.result === 'still here');
  });

  test('an error thrown later from a timer fails the running job, not the worker', async () => {
    const outcome = failed(await call('lateThrow', [], 5000));
    assert.equal(outcome.kind, 'threw');
    assert.equal(outcome.message, 'thrown later from a timer');
    const next = await call('add', [2, 2]);
    assert.ok(next.ok && next.result === 4);
  });

  test('a worker killed from outside mid-job is reported as crashed and replaced', async () => {
    const outcome = failed(await call('selfDestruct'));
    assert.equal(outcome.kind, 'crashed');
    assert.match(outcome.message, /SIGKILL/);
    const next = await call('add', [3, 3]);
    assert.ok(next.ok && next.result === 6);
  });

  test('jobs a worker cannot take or answer fail without harming it', async () => {
    const unknown = failed(await pool.run({ type: 'no-such-job', payload: 0 }, { timeLimitMs: 10_000 }));
    assert.equal(unknown.kind, 'threw');
    assert.match(unknown.message, /no handler/);
    const unsendable = failed(await pool.run({ type: 'echo', payload: { f: () => 1 } }, { timeLimitMs: 10_000 }));
    assert.equal(unsendable.kind, 'threw');
    assert.match(unsendable.message, /could not be sent to the worker/);
    const unanswerable = failed(await call('returnsFunction'));
    assert.equal(unanswerable.kind, 'threw');
    assert.match(unanswerable.message, /could not be sent back/);
    const next = await call('add', [4, 4]);
    assert.ok(next.ok && next.result === 8);
  });

  test('cancellation: a running job is killed, a queued one dropped, an aborted signal refused', async () => {
    const local = new WorkerPool({ size: 1, workerScript });
    const sleep = (signal: AbortSignal, onPhase?: (phase: string) => void) =>
      local.run({ type: 'call', bundlePath: jobs, payload: { export: 'sleep', args: [20_000] } }, { timeLimitMs: 30_000, signal, onPhase });
    try {
      const first = new AbortController();
      const second = new AbortController();
      let abortedAt = 0;
      // Abort once the worker (slow to start under tsx) is inside the user's sleep.
      const running = sleep(first.signal, () =>
        setTimeout(() => {
          abortedAt = performance.now();
          first.abort();
        }, 100),
      );
      const queued = sleep(second.signal);
      assert.equal(failed(await local.run({ type: 'echo', payload: 0 }, { timeLimitMs: 1000, signal: AbortSignal.abort() })).kind, 'cancelled');
      setTimeout(() => second.abort(), 100);
      const dropped = failed(await queued);
      assert.equal(dropped.kind, 'cancelled');
      assert.match(dropped.message, /before it started/);
      const killed = failed(await running);
      assert.equal(killed.kind, 'cancelled');
      assert.equal(killed.phase, 'sleep');
      assert.ok(performance.now() - abortedAt < 100, 'the outcome comes right after the abort');
      const next = await local.run({ type: 'echo', payload: 'respawned' }, { timeLimitMs: 10_000 });
      assert.ok(next.ok && next.result === 'respawned');
    } finally {
      await local.dispose();
    }
  });

  test('two workers run two jobs at the same time', async () => {
    // Warm both processes first so that start-up time does not blur the measurement.
    const pids = await Promise.all([call<number>('sleep', [50]), call<number>('sleep', [50])]);
    assert.ok(pids.every((o) => o.ok));
    const [a, b] = await Promise.all([call<number>('pid'), call<number>('pid')]);
    assert.ok(a.ok && b.ok && a.result !== b.result, 'two different processes');
    const started = performance.now();
    const sleeps = await Promise.all([call('sleep', [700]), call('sleep', [700])]);
    const wall = performance.now() - started;
    assert.ok(sleeps.every((o) => o.ok));
    assert.ok(wall < 1300, `two 700 ms jobs took ${wall.toFixed(0)} ms on two workers`);
  });

  test('a job goes to the warm process that already has its bundle loaded', async () => {
    const source = fs.readFileSync(fixture('jobs.ts'), 'utf8');
    const other = (await compiled(fixture('jobs.ts'), { [fixture('jobs.ts')]: `${source}\n// another version\n` })).path;
    const pidOn = async (bundlePath: string) => {
      const outcome = await pool.run<number>({ type: 'call', bundlePath, payload: { export: 'pid' } }, { timeLimitMs: 10_000 });
      assert.ok(outcome.ok);
      return outcome.result;
    };
    // Two jobs at once land on the two processes, one bundle each.
    const [first, second] = await Promise.all([pidOn(jobs), pidOn(other)]);
    assert.notEqual(first, second);
    for (let i = 0; i < 3; i++) {
      assert.equal(await pidOn(other), second);
      assert.equal(await pidOn(jobs), first);
    }
  });

  test('dispose kills every process and what user code started; later runs are cancelled', async () => {
    const local = new WorkerPool({ size: 2, workerScript });
    const first = await Promise.all([
      local.run<number>({ type: 'call', bundlePath: jobs, payload: { export: 'pid' } }, { timeLimitMs: 10_000 }),
      local.run<number | undefined>({ type: 'call', bundlePath: jobs, payload: { export: 'spawnChild' } }, { timeLimitMs: 10_000 }),
    ]);
    const pids = first.map((o) => (o.ok ? o.result : undefined)).filter((pid): pid is number => typeof pid === 'number');
    assert.equal(pids.length, 2);
    const pending = local.run({ type: 'call', bundlePath: jobs, payload: { export: 'spin' } }, { timeLimitMs: 30_000 });
    assert.ok(pids.every(isAlive));
    await local.dispose();
    await local.dispose();
    assert.equal(failed(await pending).kind, 'cancelled');
    // The grandchild was in its worker's process group.
    const deadline = Date.now() + 2000;
    while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} survived dispose`);
    const late = failed(await local.run({ type: 'echo', payload: 0 }, { timeLimitMs: 1000 }));
    assert.equal(late.kind, 'cancelled');
  });

  test('a worker whose pool process dies abruptly ends itself, even mid-loop', async () => {
    // A minimal pool host in plain node: forks the worker as the pool does, starts an endless job, and dies
    // (SIGKILL: no dispose, no IPC goodbye) once the worker says it is inside the loop.
    const host = `
      const { fork } = require('node:child_process');
      const [script, bundlePath] = process.argv.slice(1);
      const worker = fork(script, [], { detached: true, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      worker.on('message', (message) => {
        if (message.type === 'ready') worker.send({ id: 1, type: 'call', bundlePath, payload: { export: 'spin' } });
        if (message.type === 'phase') { process.stdout.write(worker.pid + '\\n'); process.kill(process.pid, 'SIGKILL'); }
      });`;
    const child = spawn(process.execPath, ['-e', host, workerScript, jobs], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
    assert.equal(signal, 'SIGKILL');
    const workerPid = Number(output.trim());
    assert.ok(workerPid > 0, `host printed ${JSON.stringify(output)}`);
    const deadline = Date.now() + 3000;
    while (isAlive(workerPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(isAlive(workerPid), false, `orphaned worker ${workerPid} still running`);
  });

  test('a worker that cannot start fails the job instead of rejecting', async () => {
    const broken = new WorkerPool({ size: 1, workerScript: path.join(fixtures, 'no-such-worker.js') });
    try {
      const outcome = failed(await broken.run({ type: 'echo', payload: 0 }, { timeLimitMs: 5000 }));
      assert.equal(outcome.kind, 'crashed');
      assert.match(outcome.message, /could not start/);
    } finally {
      await broken.dispose();
    }
  });
});

describe('WorkerPool memory limit', () => {
  for (const memoryWatch of ['proc', 'thread'] as const) {
    test(`a Float64Array bomb (outside the V8 heap) is stopped as memory, watched by ${memoryWatch}; the slot recovers`, async () => {
      const pool = new WorkerPool({ size: 1, memoryLimitMb: 300, memoryWatch, workerScript });
      try {
        const jobs = (await compiled(fixture('jobs.ts'))).path;
        const outcome = failed(await pool.run({ type: 'call', bundlePath: jobs, payload: { export: 'bomb' } }, { timeLimitMs: 15_000 }));
        assert.equal(outcome.kind, 'memory');
        assert.equal(outcome.phase, 'bomb');
        assert.match(outcome.message, /300 MB/);
        // From /proc the pool also knows how far it got; the thread watchdog only leaves its marker.
        if (memoryWatch === 'proc') assert.ok((outcome.peakRssMb ?? 0) > 250, `peak ${outcome.peakRssMb}`);
        const next = await pool.run({ type: 'call', bundlePath: jobs, payload: { export: 'add', args: [1, 2] } }, { timeLimitMs: 10_000 });
        assert.ok(next.ok && next.result === 3);
      } finally {
        await pool.dispose();
      }
    });
  }
});

describe('WorkerPool confinement (the grader runs submissions this way)', () => {
  test('under the permission model: user code loads and runs, child processes are refused', async () => {
    const pool = new WorkerPool({
      size: 1,
      workerScript,
      execArgv: ['--experimental-permission', `--allow-fs-read=${cacheDir}${path.sep}*`],
    });
    try {
      const jobs = (await compiled(fixture('jobs.ts'))).path;
      const sum = await pool.run({ type: 'call', bundlePath: jobs, payload: { export: 'add', args: [1, 2] } }, { timeLimitMs: 10_000 });
      assert.ok(sum.ok && sum.result === 3);
      const refused = failed(await pool.run({ type: 'call', bundlePath: jobs, payload: { export: 'selfDestruct' } }, { timeLimitMs: 10_000 }));
      assert.equal(refused.kind, 'threw');
      assert.match(refused.message, /restricted/);
      assert.equal(refused.location?.file, fixture('jobs.ts'));
    } finally {
      await pool.dispose();
    }
  });

  test('as another user (nobody), with the limits still enforced', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    // The worker (as nobody) must be able to read its script and the bundles.
    fs.chmodSync(cacheDir, 0o755);
    const pool = new WorkerPool({ size: 1, uid: 65534, gid: 65534, cwd: '/', memoryLimitMb: 300, workerScript });
    try {
      const jobs = (await compiled(fixture('jobs.ts'))).path;
      const uid = await pool.run({ type: 'call', bundlePath: jobs, payload: { export: 'uid' } }, { timeLimitMs: 10_000 });
      assert.ok(uid.ok && uid.result === 65534);
      const spin = failed(await pool.run({ type: 'call', bundlePath: jobs, payload: { export: 'spin' } }, { timeLimitMs: 500 }));
      assert.equal(spin.kind, 'timeout');
      const bomb = failed(await pool.run({ type: 'call', bundlePath: jobs, payload: { export: 'bomb' } }, { timeLimitMs: 15_000 }));
      assert.equal(bomb.kind, 'memory');
    } finally {
      await pool.dispose();
    }
  });
});

describe('WorkerPool from TS sources', () => {
  test('without a workerScript under tsx, it forks worker-main.ts with the tsx loader', async (t) => {
    const logs: string[] = [];
    const pool = new WorkerPool({ size: 1, log: (_level, message) => logs.push(message) });
    try {
      const jobs = (await compiled(fixture('jobs.ts'))).path;
      const started = performance.now();
      const echo = await pool.run({ type: 'echo', payload: 'from sources' }, { timeLimitMs: 30_000 });
      t.diagnostic(`tsx worker: first job incl. spawn ${(performance.now() - started).toFixed(0)} ms`);
      assert.ok(echo.ok && echo.result === 'from sources');
      assert.ok(logs.some((line) => /worker \d+ ready/.test(line)));
      const thrown = failed(await pool.run({ type: 'call', bundlePath: jobs, payload: { export: 'throwHere' } }, { timeLimitMs: 30_000 }));
      assert.equal(thrown.location?.file, fixture('jobs.ts'));
      // Engine frames are TS sources here; they must not be mistaken for the user's.
      assert.match(thrown.stack ?? '', /core[\\/]runner[\\/]handlers\.ts/);
    } finally {
      await pool.dispose();
    }
  });
});
