// The engine end to end, through esbuild bundles and worker processes: hostile code becomes findings, the
// engine keeps serving, work splits over workers without changing verdicts, and checks can be cancelled.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Engine } from '../../core/engine/engine';

const fixtures = path.resolve(__dirname, '../fixtures/engine');
const hostile = path.join(fixtures, 'hostile.ts');
const engine = new Engine({ workers: 2, memoryLimitMb: 400 });
after(() => engine.dispose());

async function only(name: string, timeLimitMs = 4000) {
  const result = await engine.checkFile({ file: hostile, names: [name], overrides: { timeLimitMs } });
  assert.equal(result.declarations.length, 1);
  return result.declarations[0];
}

test('an infinite loop is stopped at the time limit and named by phase', async () => {
  const started = Date.now();
  const r = await only('loopsForever', 1500);
  assert.equal(r.status, 'error');
  const f = r.findings.find((x) => x.code === 'timeout');
  assert.ok(f, r.summary);
  assert.match(f.message, /while running backward/);
  assert.ok(Date.now() - started < 15_000);
});

test('a memory bomb of typed arrays is stopped at the memory limit', async () => {
  const r = await only('eatsMemory', 30_000);
  assert.equal(r.status, 'error');
  assert.ok(
    r.findings.some((x) => x.code === 'memory'),
    r.summary,
  );
  assert.match(r.summary, /400 MiB/);
});

test('memory on its way past the limit is reported as memory even when the time limit comes first', async () => {
  const r = await only('growsMemory', 3000);
  assert.equal(r.status, 'error');
  assert.ok(
    r.findings.some((x) => x.code === 'memory'),
    r.summary,
  );
});

test('process.exit and process.kill become findings; the engine keeps serving', async () => {
  const exits = await only('exits');
  assert.equal(exits.status, 'error');
  assert.ok(
    exits.findings.some((x) => x.code === 'exited'),
    exits.summary,
  );
  assert.match(exits.summary, /process\.exit\(3\)/);
  const kills = await only('killsParent');
  assert.equal(kills.status, 'error');
  assert.match(kills.summary, /process\.kill/);
  assert.equal(process.ppid > 0, true);
  const fine = await only('fine');
  assert.equal(fine.status, 'pass', fine.summary);
});

test('a file that throws on load, and a syntax error, are file-level findings at the TS line', async () => {
  const load = await engine.checkFile({ file: path.join(fixtures, 'throws-on-load.ts') });
  assert.equal(load.declarations.length, 0);
  assert.equal(load.findings[0].code, 'load-error');
  assert.match(load.findings[0].message, /configuration file missing/);
  assert.equal(load.findings[0].location?.start.line, 3);
  const syntax = await engine.checkFile({ file: path.join(fixtures, 'broken-syntax.ts') });
  assert.equal(syntax.findings[0].code, 'compile-error');
  assert.equal(syntax.findings[0].location?.start.line, 2);
});

test('unsaved text is checked instead of the file on disk, and dependencies are listed', async () => {
  const file = path.join(fixtures, 'two-declarations.ts');
  const onDisk = await engine.checkFile({ file });
  assert.deepEqual(
    onDisk.declarations.map((d) => d.status),
    ['pass', 'pass'],
  );
  assert.ok(onDisk.dependencies.includes(path.join(fixtures, 'helpers/cube.ts')));
  const edited = (await import('node:fs')).readFileSync(file, 'utf8').replace('g * s.data[i % 7]), s: ds', 'g * s.data[i % 7]), s: ds.map((v) => 2 * v)');
  const buffer = await engine.checkFile({ file, text: edited });
  const layerReport = buffer.declarations.find((d) => d.name === 'scaleLayer')!;
  assert.equal(layerReport.status, 'fail');
  assert.equal(layerReport.tensors.find((t) => t.path === 's')?.hints[0]?.code, 'scaled');
  // Static discovery located the declaration and the expression of the wrong gradient.
  assert.equal(layerReport.range?.start.line, 9);
  assert.ok(layerReport.tensors.find((t) => t.path === 's')?.source, 'gradient source range');
});

test('one declaration split over two workers gives the same verdicts as one worker', async () => {
  const one = new Engine({ workers: 1 });
  try {
    const file = path.join(fixtures, 'two-declarations.ts');
    const a = await one.checkFile({ file, names: ['cube'], overrides: { mode: 'full' } });
    const b = await engine.checkFile({ file, names: ['cube'], overrides: { mode: 'full' } });
    assert.equal(a.declarations[0].workers, 1);
    assert.equal(b.declarations[0].workers, 2);
    assert.equal(a.declarations[0].tensors[0].checked, b.declarations[0].tensors[0].checked);
    assert.equal(a.declarations[0].tensors[0].maxRelErr, b.declarations[0].tensors[0].maxRelErr);
  } finally {
    await one.dispose();
  }
});

test('a check can be cancelled, and the next one runs', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const pending = engine.checkFile({ file: path.join(fixtures, 'slow.ts'), signal: controller.signal });
  setTimeout(() => controller.abort(), 800);
  const result = await pending;
  assert.ok(result.cancelled);
  assert.ok(Date.now() - started < 10_000);
  const next = await engine.checkFile({ file: path.join(fixtures, 'two-declarations.ts'), names: ['cube'] });
  assert.equal(next.declarations[0].status, 'pass');
});
