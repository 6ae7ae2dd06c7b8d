import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EvaluationProgressStore, UPDATE_INTERVAL_MS, type Clock } from '../../../extension/evaluation-progress';
import { evaluations } from './report-fixtures';

/** A clock the test moves by hand. */
class FakeClock implements Clock {
  time = 0;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private ids = 0;
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const id = ++this.ids;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };
  /** Moves time on, firing each timer at its own time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.callback();
    }
    this.time = end;
  }
  get pending(): number {
    return this.timers.length;
  }
}

function setup() {
  const clock = new FakeClock();
  const store = new EvaluationProgressStore(clock);
  const announced: number[] = [];
  store.onDidChange(() => announced.push(clock.time));
  return { clock, store, announced };
}

test('the latest progress of each running declaration is kept', () => {
  const { store } = setup();
  store.update(evaluations({ done: 10 }));
  store.update(evaluations({ done: 20 }));
  store.update(evaluations({ declaration: 'conv', done: 5 }));
  assert.equal(store.get('/ws/affine.ts', 'affine')?.done, 20);
  assert.deepEqual(
    store.all().map((p) => p.declaration),
    ['affine', 'conv'],
  );
});

test('short checks show no progress: their first estimates are mostly warm-up', () => {
  const { clock, store, announced } = setup();
  store.update(evaluations({ done: 2, planned: 387, elapsedMs: 28, etaMs: 5500 }));
  clock.advance(1000);
  assert.equal(store.get('/ws/affine.ts', 'affine'), undefined);
  assert.deepEqual(announced, []);
  store.update(evaluations({ elapsedMs: 1000 }));
  assert.equal(store.get('/ws/affine.ts', 'affine')?.done, 840);
});

test('updates are announced at most 4 times a second, and the last one always', () => {
  const { clock, store, announced } = setup();
  assert.equal(UPDATE_INTERVAL_MS, 250);
  store.update(evaluations({ done: 1 }));
  assert.deepEqual(announced, [0], 'the first change shows at once');
  for (let i = 2; i <= 10; i++) {
    clock.advance(20);
    store.update(evaluations({ done: i }));
  }
  assert.deepEqual(announced, [0], 'changes inside the interval wait');
  clock.advance(250);
  assert.deepEqual(announced, [0, 250], 'one announcement for all of them, when the interval is over');
  assert.equal(store.get('/ws/affine.ts', 'affine')?.done, 10);
  clock.advance(1000);
  store.update(evaluations({ done: 11 }));
  assert.deepEqual(announced, [0, 250, 1430], 'after a quiet spell the next change shows at once');
});

test('a declaration that finished (or a file whose run ended) no longer shows progress', () => {
  const { clock, store, announced } = setup();
  store.update(evaluations());
  store.update(evaluations({ declaration: 'conv' }));
  store.update(evaluations({ file: '/ws/other.ts' }));
  store.clear('/ws/affine.ts', 'affine');
  assert.equal(store.get('/ws/affine.ts', 'affine'), undefined);
  store.clear('/ws/affine.ts');
  assert.deepEqual(
    store.all().map((p) => p.file),
    ['/ws/other.ts'],
  );
  clock.advance(250);
  assert.equal(announced.length, 2);
  store.clear('/ws/nothing.ts');
  clock.advance(1000);
  assert.equal(announced.length, 2, 'clearing nothing announces nothing');
});

test('dispose drops a pending announcement', () => {
  const { clock, store, announced } = setup();
  store.update(evaluations());
  store.update(evaluations({ done: 900 }));
  assert.equal(clock.pending, 1);
  store.dispose();
  assert.equal(clock.pending, 0);
  clock.advance(1000);
  assert.deepEqual(announced, [0]);
});
