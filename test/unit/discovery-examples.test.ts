// Discovery over the real examples/: every declaration examples/expected.json lists is found, with a
// gradient function and gradient sites inside the workspace, and backwards in lib files are followed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { discoverDeclarations, findGradientSite, scanDeclarations } from '../../core/discovery/index';

const repo = path.resolve(__dirname, '../..');
const examples = path.join(repo, 'examples');

function declarationFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'lib' ? [] : declarationFiles(full);
      return entry.name.endsWith('.ts') ? [full] : [];
    })
    .sort();
}

const files = declarationFiles(examples);
const expectedPath = path.join(examples, 'expected.json');
const expected: Record<string, Record<string, { tensors?: Record<string, { status: string }> }>> = fs.existsSync(expectedPath)
  ? JSON.parse(fs.readFileSync(expectedPath, 'utf8'))
  : {};
const lineCount = new Map<string, number>();
const linesOf = (file: string) => {
  if (!lineCount.has(file)) lineCount.set(file, fs.readFileSync(file, 'utf8').split('\n').length);
  return lineCount.get(file)!;
};

describe('discovery on examples/', { skip: files.length === 0 ? 'no examples yet' : false }, () => {
  it('finds exactly the declarations expected.json lists for each file', () => {
    for (const file of files) {
      const key = path.relative(repo, file).split(path.sep).join('/');
      if (!expected[key]) continue;
      const found = discoverDeclarations(file)
        .declarations.map((d) => d.name)
        .sort();
      assert.deepEqual(found, Object.keys(expected[key]).sort(), key);
    }
  });

  it('locates a gradient function and at least one gradient site for every declaration, inside examples/', () => {
    for (const file of files) {
      for (const declaration of discoverDeclarations(file).declarations) {
        const label = `${path.relative(repo, file)}#${declaration.name}`;
        assert.ok(declaration.gradientFunction, label);
        assert.ok(declaration.gradients.length > 0, `${label}: no gradient sites`);
        for (const site of declaration.gradients) {
          for (const range of [site.range, site.propertyRange]) {
            assert.ok(range.file.startsWith(examples + path.sep), `${label}: ${range.file}`);
            assert.ok(range.start.line < linesOf(range.file) && range.end.line < linesOf(range.file), label);
            assert.ok(range.start.line < range.end.line || range.start.column < range.end.column, `${label}: empty range`);
          }
        }
      }
    }
  });

  it('maps every tensor expected.json names to a gradient site (except gradients the code does not return)', () => {
    for (const file of files) {
      const key = path.relative(repo, file).split(path.sep).join('/');
      const declarations = discoverDeclarations(file).declarations;
      for (const [name, verdict] of Object.entries(expected[key] ?? {})) {
        const declaration = declarations.find((d) => d.name === name);
        for (const [tensor, tensorVerdict] of Object.entries(verdict.tensors ?? {})) {
          if (tensorVerdict.status === 'error') continue;
          assert.ok(declaration && findGradientSite(declaration, tensor), `${key}#${name}: no site for '${tensor}'`);
        }
      }
    }
  });

  it('follows a backward into a lib file for at least one correct and one buggy example', () => {
    const followed = (dir: string) =>
      files
        .filter((f) => path.dirname(f) === dir)
        .some((file) => discoverDeclarations(file).declarations.some((d) => d.gradients.some((s) => s.range.file !== file)));
    assert.ok(followed(examples), 'no example in examples/ has a gradient computed in another file');
    assert.ok(followed(path.join(examples, 'buggy')), 'no example in examples/buggy/ has a gradient computed in another file');
  });

  it('scanDeclarations agrees with full discovery on names and ranges', () => {
    for (const file of files) {
      const full = discoverDeclarations(file).declarations;
      const scanned = scanDeclarations(file, fs.readFileSync(file, 'utf8'));
      assert.deepEqual(
        scanned.map((d) => [d.name, d.kind, d.range, d.nameRange]),
        full.map((d) => [d.name, d.kind, d.range, d.nameRange]),
        path.relative(repo, file),
      );
    }
  });

  it('is fast enough for an editor (timings reported as diagnostics)', (t) => {
    const cpu = (run: () => void) => {
      const start = process.cpuUsage();
      run();
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000 / files.length;
    };
    const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
    const unchanged = cpu(() => files.forEach((f) => discoverDeclarations(f)));
    const edited = cpu(() => files.forEach((f, i) => discoverDeclarations(f, { text: `${texts[i]}\n// edited` })));
    const scan = cpu(() => files.forEach((f, i) => scanDeclarations(f, texts[i])));
    t.diagnostic(
      `${files.length} example files, CPU ms per file: discover unchanged ${unchanged.toFixed(2)}, discover edited buffer ${edited.toFixed(2)}, scan ${scan.toFixed(2)}`,
    );
    // Generous bounds (a loaded CI machine): an order of magnitude above what is measured on an idle one.
    assert.ok(scan < 50, `scan ${scan} ms/file`);
    assert.ok(edited < 250, `discover ${edited} ms/file`);
  });
});
