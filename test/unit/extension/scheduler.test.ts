import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CheckRequest, FileResult } from '../../../core/engine/api';
import { CheckScheduler, type CheckEngine, type CheckJob } from '../../../extension/scheduler';
import { evaluations, report } from './report-fixtures';

/** A fake engine whose runs finish when the test says so (or when aborted). */
class FakeEngine implements CheckEngine {
  readonly requests: CheckRequest[] = [];
  private readonly pending: { request: CheckRequest; finish: (deps?: string[]) => void }[] = [];

  checkFile(request: CheckRequest): Promise<FileResult> {
    this.requests.push(request);
    return new Promise((resolve) => {
      const done = (cancelled: boolean, dependencies: string[] = [request.file]) => {
        if (!cancelled) for (const name of request.names ?? ['a', 'b']) request.onReport?.(report({ file: request.file, name }));
        resolve({ file: request.file, declarations: [], findings: [], dependencies, cancelled });
      };
      request.signal?.addEventListener('abort', () => done(true));
      this.pending.push({ request, finish: (deps) => done(false, deps) });
    });
  }

  finishLast(dependencies?: string[]): void {
    const entry = this.pending.pop();
    assert.ok(entry, 'no run to finish');
    entry.finish(dependencies);
  }

  async started(count: number): Promise<void> {
    for (let i = 0; i < 100 && this.requests.length < count; i++) await new Promise((r) => setImmediate(r));
    assert.equal(this.requests.length, count);
  }
}

function setup() {
  const engine = new FakeEngine();
  const events: string[] = [];
  const scheduler = new CheckScheduler(async () => engine, {
    onStart: (job: CheckJob) => events.push(`start ${job.file} ${job.names?.join(',') ?? '*'}`),
    onReport: (_job, r) => events.push(`report ${r.name}`),
    onFinish: (job, result, error) => events.push(`finish ${job.file} ${result ? (result.cancelled ? 'cancelled' : 'ok') : error ? 'error' : 'none'}`),
  });
  return { engine, events, scheduler };
}

test('a check runs on the engine and reports each declaration', async () => {
  const { engine, events, scheduler } = setup();
  const done = scheduler.check({ file: '/a.ts', reason: 'save' });
  await engine.started(1);
  assert.ok(scheduler.isRunning('/a.ts'));
  engine.finishLast(['/a.ts', '/lib.ts']);
  const result = await done;
  assert.equal(result?.cancelled, false);
  assert.deepEqual(events, ['start /a.ts *', 'report a', 'report b', 'finish /a.ts ok']);
  assert.ok(!scheduler.isRunning());
});

test('a newer request cancels the run it supersedes and folds in its declarations', async () => {
  const { engine, events, scheduler } = setup();
  const first = scheduler.check({ file: '/a.ts', names: ['a'], reason: 'lens' });
  await engine.started(1);
  const second = scheduler.check({ file: '/a.ts', names: ['b'], text: 'new text', reason: 'type' });
  assert.equal((await first)?.cancelled, true);
  await engine.started(2);
  assert.deepEqual(engine.requests[1].names, ['a', 'b']);
  assert.equal(engine.requests[1].text, 'new text');
  engine.finishLast();
  await second;
  assert.deepEqual(events, ['start /a.ts a', 'finish /a.ts cancelled', 'start /a.ts a,b', 'report a', 'report b', 'finish /a.ts ok']);
});

test('a request for the whole file stays whole when merged', async () => {
  const { engine, scheduler } = setup();
  void scheduler.check({ file: '/a.ts', reason: 'save' });
  await engine.started(1);
  void scheduler.check({ file: '/a.ts', names: ['b'], reason: 'lens' });
  await engine.started(2);
  assert.equal(engine.requests[1].names, undefined);
  scheduler.cancelAll();
});

test('a run superseded before it started never starts', async () => {
  const { engine, events, scheduler } = setup();
  const first = scheduler.check({ file: '/a.ts', reason: 'type' });
  await engine.started(1);
  const second = scheduler.check({ file: '/a.ts', reason: 'type' });
  const third = scheduler.check({ file: '/a.ts', reason: 'type' });
  await first;
  assert.equal(await second, undefined);
  await engine.started(2);
  engine.finishLast();
  await third;
  assert.equal(events.filter((e) => e.startsWith('start')).length, 2);
});

test('dependents are the files whose last run imported the changed file', async () => {
  const { engine, scheduler } = setup();
  const a = scheduler.check({ file: '/a.ts', reason: 'save' });
  await engine.started(1);
  engine.finishLast(['/a.ts', '/lib.ts']);
  await a;
  const b = scheduler.check({ file: '/b.ts', reason: 'save' });
  await engine.started(2);
  engine.finishLast(['/b.ts']);
  await b;
  assert.deepEqual(scheduler.dependents('/lib.ts'), ['/a.ts']);
  assert.deepEqual(scheduler.dependents('/a.ts'), [], 'a file is not its own dependent');
  scheduler.forget('/a.ts');
  assert.deepEqual(scheduler.dependents('/lib.ts'), []);
});

test('an engine failure is reported, an abort is not an error', async () => {
  const events: string[] = [];
  const scheduler = new CheckScheduler(
    async () => ({
      checkFile: (request: CheckRequest) =>
        new Promise<FileResult>((_resolve, reject) => {
          if (request.file === '/boom.ts') reject(new Error('engine down'));
          request.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    }),
    {
      onStart: () => undefined,
      onReport: () => undefined,
      onFinish: (job, result, error) => events.push(`${job.file} ${error ? (error as Error).message : 'no error'}`),
    },
  );
  await scheduler.check({ file: '/boom.ts', reason: 'save' });
  const pending = scheduler.check({ file: '/slow.ts', reason: 'save' });
  await new Promise((r) => setImmediate(r));
  scheduler.cancel('/slow.ts');
  await pending;
  assert.deepEqual(events, ['/boom.ts engine down', '/slow.ts no error']);
});

test('evaluation progress reaches the hooks while a declaration runs, never after its report or a cancel', async () => {
  const engine = new FakeEngine();
  const seen: string[] = [];
  const scheduler = new CheckScheduler(async () => engine, {
    onStart: () => undefined,
    onReport: (_job, r) => seen.push(`report ${r.name}`),
    onFinish: () => undefined,
    onEvaluations: (_job, p) => seen.push(`${p.declaration} ${p.done}/${p.planned}`),
  });
  const first = scheduler.check({ file: '/a.ts', names: ['a'], reason: 'lens' });
  await engine.started(1);
  const request = engine.requests[0];
  request.onEvaluations?.(evaluations({ file: '/a.ts', declaration: 'a', done: 10, planned: 100 }));
  engine.finishLast();
  // A worker's last message, late: the declaration is done.
  request.onEvaluations?.(evaluations({ file: '/a.ts', declaration: 'a', done: 100, planned: 100 }));
  await first;
  assert.deepEqual(seen, ['a 10/100', 'report a']);

  const second = scheduler.check({ file: '/a.ts', names: ['a'], reason: 'lens' });
  await engine.started(2);
  scheduler.cancel('/a.ts');
  engine.requests[1].onEvaluations?.(evaluations({ file: '/a.ts', declaration: 'a', done: 5, planned: 100 }));
  await second;
  assert.deepEqual(seen, ['a 10/100', 'report a'], 'nothing after a cancel');
});

test('without a progress hook the engine is not asked to stream evaluations', async () => {
  const { engine, scheduler } = setup();
  void scheduler.check({ file: '/a.ts', reason: 'save' });
  await engine.started(1);
  assert.equal(engine.requests[0].onEvaluations, undefined);
  scheduler.cancelAll();
});
