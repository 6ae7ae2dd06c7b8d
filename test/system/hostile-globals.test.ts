// Checked code against the worker it runs in: signals to other processes through every route (process.kill,
// process._kill, process._debugProcess, a worker thread's own process.kill), built-ins replaced or patched so that
// the checker's own computations (and the next file's) would go wrong, additions to Object.prototype and friends
// (reported, and the worker retired), and detached children that would outlive the pool. The fixtures are
// written into a temp dir here: each is a few lines of hostile code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../core/engine/engine';
import { compileModelFile } from '../../core/runner/compile';
import { WorkerPool, type JobOutcome } from '../../core/runner/pool';
import { buildWorker } from '../fixtures/class/build';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlens-hostile-test-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let workerScript = '';
// The worker bundled from the sources (dist/ may be stale), as the grading tests do.
before(async () => {
  workerScript = await buildWorker(dir);
});

async function bundle(name: string, source: string): Promise<string> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  const compiled = await compileModelFile(file, { cacheDir: path.join(dir, 'cache') });
  assert.ok(compiled.ok && compiled.path, JSON.stringify(compiled.findings));
  return compiled.path;
}

function call(pool: WorkerPool, bundlePath: string, name: string): Promise<JobOutcome<unknown>> {
  return pool.run({ type: 'call', bundlePath, payload: { export: name } }, { timeLimitMs: 20_000 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

type Finding = { severity: string; code: string; message: string };

describe('a worker against hostile code', () => {
  let pool: WorkerPool;
  before(() => {
    pool = new WorkerPool({ size: 1, workerScript });
  });
  after(() => pool.dispose());

  test('every route to signal another process is refused and named as process.kill (signal 0: harmless if it got through)', async () => {
    const b = await bundle(
      'signals.ts',
      `import { Worker } from 'node:worker_threads';
export const rawKill = () => (process as any)._kill(process.ppid, 0);
export const debugProcess = () => (process as any)._debugProcess(process.ppid);
export const plainKill = () => process.kill(process.ppid, 0);
export const thread = () => new Worker('process.kill(' + process.ppid + ', 0)', { eval: true });
export const threadLate = async () => { const { Worker: W } = await import('node:worker_threads'); return new W('0', { eval: true }); };
export const pid = () => process.pid;`,
    );
    const first = (await call(pool, b, 'pid')) as { ok: true; result: number };
    for (const [name, pattern] of [
      ['rawKill', /^process\.kill\(\d+, 0\) \(through process\._kill\) was called: code checked by Gradlens must not signal other processes/],
      ['debugProcess', /^process\.kill\(\d+, "SIGUSR1"\) \(through process\._debugProcess\)/],
      ['plainKill', /^process\.kill\(\d+, 0\) was called/],
    ] as const) {
      const outcome = await call(pool, b, name);
      assert.equal(outcome.ok, false, name);
      if (outcome.ok) continue;
      assert.equal(outcome.kind, 'exited', name);
      assert.match(outcome.message, pattern);
      assert.equal(outcome.location?.file, path.join(dir, 'signals.ts'));
    }
    for (const name of ['thread', 'threadLate']) {
      const outcome = await call(pool, b, name);
      assert.ok(!outcome.ok && outcome.kind === 'threw' && /worker_threads\.Worker is not available .*ERR_ACCESS_DENIED/.test(outcome.message), name);
    }
    // The same worker, unharmed.
    assert.deepEqual(await call(pool, b, 'pid').then((o) => (o as { result: number }).result), first.result);
  });

  test('built-ins replaced by one file change nothing for the checker or the next file; strict code is told why', async () => {
    const patcher = await bundle(
      'patcher.ts',
      `Math.sqrt = () => 0; Math.abs = () => 0; Object.keys = () => []; Object.entries = () => [];
(Array.prototype as any).push = () => 0; (Float64Array as any) = null; JSON.stringify = () => 'x';
export const patchAgain = () => { Math.max = () => 0; (Array.prototype as any).map = () => []; return { findings: [] }; };`,
    );
    const strict = await bundle('strict.ts', `'use strict';\nexport const f = () => { Math.sqrt = () => 0; return 1; };`);
    const victim = await bundle(
      'victim.ts',
      `export const compute = () => { const a: number[] = []; a.push(1, 2);
  return [Math.sqrt(16), Math.abs(-2), Math.max(1, 3), Object.keys({ p: 1 }), Object.entries({ q: 2 }), a, [1, 2].map((x) => x * 2), new Float64Array([5])[0], JSON.stringify({ r: 1 })]; };`,
    );
    const patched = await call(pool, patcher, 'patchAgain');
    assert.ok(patched.ok);
    const findings = (patched.result as { findings: Finding[] }).findings;
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'warning');
    assert.match(
      findings[0].message,
      /^The code assigns Math\.sqrt, Math\.abs, Object\.keys, Object\.entries, and \d+ more, which had no effect .*Gradlens keeps these built-ins fixed/,
    );
    const computed = await call(pool, victim, 'compute');
    assert.deepEqual(computed.ok && computed.result, [4, 2, 3, ['p'], [['q', 2]], [1, 2], [2, 4], 5, '{"r":1}']);
    const refused = await call(pool, strict, 'f');
    assert.ok(!refused.ok && refused.kind === 'threw');
    assert.match(refused.message, /Cannot assign to read only property 'sqrt'.*Gradlens keeps Math\.sqrt fixed while it checks/);
    assert.equal(refused.location?.file, path.join(dir, 'strict.ts'));
  });

  test('additions to Object.prototype are an error finding and retire the worker; Array.prototype helpers still work', async () => {
    const proto = await bundle(
      'proto.ts',
      `(Object.prototype as any).status = 'pass';
export const run = () => ({ findings: [], pid: process.pid });`,
    );
    const helper = await bundle(
      'helper.ts',
      `(Array.prototype as any).sum = function (this: number[]) { return this.reduce((a, b) => a + b, 0); };
export const run = () => ({ findings: [], pid: process.pid, sum: ([1, 2, 3] as any).sum() });`,
    );
    const clean = await bundle('clean.ts', `export const run = () => ({ pid: process.pid, status: ({} as any).status, sum: typeof ([] as any).sum });`);
    const a = (await call(pool, proto, 'run')) as { ok: true; result: { findings: Finding[]; pid: number } };
    assert.equal(a.result.findings.length, 1);
    assert.equal(a.result.findings[0].severity, 'error');
    assert.equal(a.result.findings[0].code, 'environment');
    assert.match(a.result.findings[0].message, /^The code adds 'status' to Object\.prototype when it loads: .*cannot be trusted/);
    const b = (await call(pool, helper, 'run')) as { ok: true; result: { findings: Finding[]; pid: number; sum: number } };
    assert.notEqual(b.result.pid, a.result.pid, 'retired after the addition');
    assert.equal(b.result.sum, 6);
    assert.equal(b.result.findings[0].severity, 'warning');
    assert.match(b.result.findings[0].message, /adds 'sum' to Array\.prototype/);
    const c = (await call(pool, clean, 'run')) as { ok: true; result: { pid: number; status: unknown; sum: string } };
    assert.notEqual(c.result.pid, b.result.pid);
    assert.deepEqual([c.result.status, c.result.sum], [undefined, 'undefined']);
  });

  test('a detached child of checked code does not outlive the pool (Linux)', { skip: process.platform !== 'linux' }, async () => {
    const own = new WorkerPool({ size: 1, workerScript });
    const b = await bundle(
      'spawner.ts',
      `import { spawn } from 'node:child_process';
export const start = () => { const c = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' }); c.unref(); return c.pid; };`,
    );
    const outcome = await call(own, b, 'start');
    assert.ok(outcome.ok);
    const pid = outcome.result as number;
    assert.ok(isAlive(pid));
    await own.dispose();
    for (let i = 0; i < 40 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(pid), false);
  });
});

test('through the engine: a refused assignment inside checked code says why, and a thrown null-prototype object is named', async () => {
  const file = path.join(dir, 'engine-strict.ts');
  fs.writeFileSync(
    file,
    `import { fn } from '${path.resolve(__dirname, '../../core/index')}';
const square = { at: { x: [0.5, 2] }, grad: ({ x }: { x: number[] }) => ({ x: x.map((v) => 2 * v) }) };
function patch() { 'use strict'; (Math as any).sqrt = () => 0; }
export const patchesMath = fn({ ...square, f: ({ x }: { x: number[] }) => { patch(); return x[0] * x[0] + x[1] * x[1]; } });
export const throwsBareObject = fn({ ...square, f: () => { throw Object.create(null); } });
`,
  );
  const engine = new Engine({ workers: 1, memoryLimitMb: 400 });
  try {
    const result = await engine.checkFile({ file });
    const by = new Map(result.declarations.map((d) => [d.name, d]));
    assert.match(by.get('patchesMath')!.summary, /Cannot assign to read only property 'sqrt'.*Gradlens keeps Math\.sqrt fixed while it checks/);
    assert.match(by.get('throwsBareObject')!.summary, /threw a non-Error value: \[object Object\]/);
  } finally {
    await engine.dispose();
  }
});
