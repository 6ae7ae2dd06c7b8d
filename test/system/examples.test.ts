// Every example's verdict, through the real engine (esbuild bundles, worker processes), against
// examples/expected.json; then again in-process over other seeds, so no verdict rests on a lucky draw.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../core/engine/engine';
import { runDeclarationCheck } from '../../core/engine/check';
import { assembleReport } from '../../core/engine/assemble';
import { isDeclaration } from '../../core/contract/declarations';
import type { DeclarationReport } from '../../core/report/types';

interface Expected {
  status: DeclarationReport['status'];
  findings?: string[];
  tensors?: Record<string, { status: string; hint?: string; factor?: number }>;
}

const root = path.resolve(__dirname, '../..');
const expected: Record<string, Record<string, Expected>> = JSON.parse(fs.readFileSync(path.join(root, 'examples/expected.json'), 'utf8'));
const engine = new Engine({ workers: 2 });
after(() => engine.dispose());

function compare(file: string, report: DeclarationReport, want: Expected, strictStatus = true): void {
  const where = `${file}#${report.name} (${report.summary})`;
  if (strictStatus) assert.equal(report.status, want.status, where);
  for (const code of want.findings ?? [])
    assert.ok(
      report.findings.some((f) => f.code === code),
      `${where}: finding ${code}`,
    );
  for (const [tensorPath, t] of Object.entries(want.tensors ?? {})) {
    const got = report.tensors.find((x) => x.path === tensorPath);
    assert.ok(got, `${where}: tensor ${tensorPath}`);
    if (strictStatus || t.status === 'fail') assert.equal(got.status, t.status, `${where}: ${tensorPath}`);
    if (t.hint) assert.equal(got.hints[0]?.code, t.hint, `${where}: ${tensorPath} hint (${got.hints.map((h) => h.message).join(' | ')})`);
    if (t.factor !== undefined) assert.ok(Math.abs((got.hints[0]?.factor ?? NaN) / t.factor - 1) < 1e-3, `${where}: factor ${got.hints[0]?.factor}`);
  }
}

test('every example file has expectations, and every expectation a declaration', async () => {
  const files = Object.keys(expected);
  const results = await Promise.all(files.map((f) => engine.checkFile({ file: path.join(root, f) })));
  results.forEach((result, i) => {
    const file = files[i];
    assert.deepEqual(result.findings, [], `${file}: file-level findings`);
    assert.deepEqual(result.declarations.map((d) => d.name).sort(), Object.keys(expected[file]).sort(), file);
    for (const report of result.declarations) compare(file, report, expected[file][report.name]);
  });
});

test('correct examples never fail and buggy ones always fail, over other seeds too', async () => {
  for (const [file, decls] of Object.entries(expected)) {
    const mod = (await import(path.join(root, file))) as Record<string, unknown>;
    for (const [name, want] of Object.entries(decls)) {
      const decl = mod[name];
      assert.ok(isDeclaration(decl), `${file}#${name}`);
      for (const seed of [1, 2, 3, 5, 8]) {
        const report = assembleReport(runDeclarationCheck(decl, name, { seed }), { file, timeMs: 0, workers: 1 });
        const where = `${file}#${name} seed ${seed}: ${report.summary}`;
        if (want.status === 'pass' || want.status === 'warn') {
          // Random inputs may land on a kink: a warning, never a failure.
          assert.ok(report.status === 'pass' || report.status === 'warn', where);
          for (const f of report.findings) assert.ok(f.severity !== 'error', where);
        } else {
          assert.equal(report.status, want.status, where);
          compare(file, report, want, false);
        }
      }
    }
  }
});

test('fast mode (random directions, then blocks, then elements) reaches the same verdicts', async () => {
  for (const [file, decls] of Object.entries(expected)) {
    const mod = (await import(path.join(root, file))) as Record<string, unknown>;
    for (const [name, want] of Object.entries(decls)) {
      for (const seed of [1, 2]) {
        const report = assembleReport(runDeclarationCheck(mod[name] as never, name, { mode: 'fast', seed }), { file, timeMs: 0, workers: 1 });
        const where = `${file}#${name} seed ${seed}: ${report.summary}`;
        if (want.status === 'pass' || want.status === 'warn') assert.ok(report.status === 'pass' || report.status === 'warn', where);
        else assert.equal(report.status, want.status, where);
      }
    }
  }
});
