// Static discovery over the fixtures in test/fixtures/discovery: export forms, import forms, where the
// gradient function is, and which expression produced each gradient, with exact ranges.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { discoverDeclarations, findGradientSite, scanDeclarations, type DiscoveredDeclaration } from '../../core/discovery/index';
import type { SourceRange } from '../../core/report/types';

const fixtures = path.resolve(__dirname, '../fixtures/discovery');
const fixture = (name: string) => path.join(fixtures, name);

/** The range of the `occurrence`-th appearance of `snippet` in a file, computed from its text. */
function locate(file: string, snippet: string, occurrence = 1): SourceRange {
  const text = fs.readFileSync(file, 'utf8');
  let index = -1;
  for (let n = 0; n < occurrence; n++) {
    index = text.indexOf(snippet, index + 1);
    assert.ok(index >= 0, `'${snippet}' (#${occurrence}) not found in ${path.basename(file)}`);
  }
  const position = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length - 1, column: before[before.length - 1].length };
  };
  return { file, start: position(index), end: position(index + snippet.length) };
}

function byName(declarations: DiscoveredDeclaration[], name: string): DiscoveredDeclaration {
  const found = declarations.find((d) => d.name === name);
  assert.ok(found, `no declaration '${name}' among ${declarations.map((d) => d.name).join(', ')}`);
  return found;
}

/** keyPath → where the site's range starts and what text it covers. */
function siteTexts(declaration: DiscoveredDeclaration): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const site of declaration.gradients) texts[site.keyPath.join('.')] = textOf(site.range);
  return texts;
}

function textOf(range: SourceRange): string {
  const lines = fs.readFileSync(range.file, 'utf8').split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.column, range.end.column);
  return [
    lines[range.start.line].slice(range.start.column),
    ...lines.slice(range.start.line + 1, range.end.line),
    lines[range.end.line].slice(0, range.end.column),
  ].join('\n');
}

describe('discovery: export forms', () => {
  const file = fixture('export-forms.ts');
  const { declarations } = discoverDeclarations(file);

  it('finds every exported declaration under its export name, in source order', () => {
    assert.deepEqual(
      declarations.map((d) => `${d.kind} ${d.name}`),
      ['fn inlineExport', 'fn laterExport', 'layer renamedExport', 'fn first', 'model second', 'layer default'],
    );
  });

  it('gives exact 0-based ranges for the statement and the name', () => {
    const inline = byName(declarations, 'inlineExport');
    assert.deepEqual(inline.range, { file, start: { line: 3, column: 0 }, end: { line: 7, column: 3 } });
    assert.deepEqual(inline.nameRange, { file, start: { line: 3, column: 13 }, end: { line: 3, column: 25 } });
  });

  it('uses the declaring statement for `export { a }` and `export { a as b }`', () => {
    const later = byName(declarations, 'laterExport');
    assert.equal(later.range.start.line, locate(file, 'const laterExport').start.line);
    assert.deepEqual(later.nameRange, locate(file, 'laterExport', 1));
    const renamed = byName(declarations, 'renamedExport');
    assert.deepEqual(renamed.nameRange, locate(file, 'renamedLocal', 1));
    assert.equal(renamed.range.start.line, locate(file, 'const renamedLocal').start.line);
  });

  it('uses the declarator when one statement declares several', () => {
    assert.deepEqual(byName(declarations, 'first').range.start, locate(file, 'first = fn(').start);
    assert.deepEqual(byName(declarations, 'second').range.start, locate(file, 'second = model(').start);
  });

  it('names the default export "default", with the call as its name range', () => {
    const def = byName(declarations, 'default');
    assert.deepEqual(def.range.start, locate(file, 'export default layer(').start);
    assert.deepEqual(def.nameRange.start, locate(file, 'layer({\n  at: { x: randn([3], { nested: true }) },\n  forward: ({ x }) => x.map((v) => v * v)').start);
  });

  it('does not report declarations that are not exported', () => {
    assert.ok(!declarations.some((d) => d.name === 'notExported'));
  });

  it('records the forward and gradient functions by property', () => {
    const inline = byName(declarations, 'inlineExport');
    assert.equal(inline.gradientFunction?.property, 'grad');
    assert.equal(inline.forwardFunction?.property, 'f');
    assert.deepEqual(inline.forwardFunction?.range, locate(file, '({ x }) => x.data[0] ** 2 + x.data[1] ** 2 + x.data[2] ** 2'));
    const second = byName(declarations, 'second');
    assert.equal(second.forwardFunction?.property, 'loss');
    assert.deepEqual(siteTexts(second), { 'fc.w': '[p.fc.w[1], p.fc.w[0]]' });
    assert.equal(byName(declarations, 'default').gradientFunction?.property, 'backward');
  });

  it('scanDeclarations finds the same declarations and ranges', () => {
    const scanned = scanDeclarations(file, fs.readFileSync(file, 'utf8'));
    assert.deepEqual(
      scanned.map((d) => [d.name, d.range, d.nameRange]),
      declarations.map((d) => [d.name, d.range, d.nameRange]),
    );
  });
});

describe('discovery: import forms', () => {
  const file = fixture('aliased.ts');
  const { declarations } = discoverDeclarations(file);

  it('recognizes aliased and namespace imports of gradlens', () => {
    assert.deepEqual(
      declarations.map((d) => `${d.kind} ${d.name}`),
      ['layer viaAlias', 'fn viaAliasedFn', 'fn viaNamespace', 'model viaNamespaceModel'],
    );
  });

  it('ignores a same-named `layer` imported from elsewhere', () => {
    assert.ok(!declarations.some((d) => d.name === 'impostor'));
    assert.ok(!scanDeclarations(file, fs.readFileSync(file, 'utf8')).some((d) => d.name === 'impostor'));
  });

  it('ignores a file that does not import gradlens at all', () => {
    assert.deepEqual(scanDeclarations('/tmp/x.ts', "import { layer } from './mine';\nexport const a = layer({ backward: () => ({}) });\n"), []);
  });

  it('finds nested model gradients through a namespace import', () => {
    assert.deepEqual(siteTexts(byName(declarations, 'viaNamespaceModel')), { 'lin.w': '2 * p.lin.w' });
  });
});

describe('discovery: where the backward is', () => {
  const file = fixture('backward-forms.ts');
  const affine = fixture('lib/affine.ts');
  const conv = fixture('lib/conv.ts');
  const { declarations, dependencies } = discoverDeclarations(file);

  it('inline arrow: the arrow, and each property value', () => {
    const d = byName(declarations, 'inlineArrow');
    assert.equal(d.gradientFunction?.range.file, file);
    assert.equal(textOf(d.gradientFunction!.range).split('\n')[0], '(dout: Matrix, cache: AffineInputs) => ({');
    assert.deepEqual(
      d.gradients.map((s) => s.keyPath),
      [['x'], ['w'], ['b']],
    );
    assert.deepEqual(d.gradients[0].range, locate(file, 'matmul(dout, transpose(cache.w))', 1));
    assert.deepEqual(d.gradients[0].propertyRange, locate(file, 'x: matmul(dout, transpose(cache.w))', 1));
  });

  it('method shorthand: the method, and shorthand properties followed to their initializers', () => {
    const d = byName(declarations, 'methodShorthand');
    assert.equal(textOf(d.gradientFunction!.range).split('\n')[0], 'backward(dout: Matrix, cache: AffineInputs) {');
    assert.deepEqual(siteTexts(d), { dx: 'matmul(dout, transpose(cache.w))', dw: 'matmul(transpose(cache.x), dout)', db: 'sumRows(dout)' });
    assert.deepEqual(d.gradients[0].range, locate(file, 'matmul(dout, transpose(cache.w))', 2));
    const returned = locate(file, 'return { dx, dw, db: sumRows(dout) };');
    assert.deepEqual(d.gradients[0].propertyRange.start, { line: returned.start.line, column: returned.start.column + 'return { '.length });
    assert.equal(textOf(d.gradients[0].propertyRange), 'dx');
  });

  it('local function declaration: the last assignment of a loop-filled gradient', () => {
    const d = byName(declarations, 'localFunction');
    assert.deepEqual(d.gradientFunction?.range.start, locate(file, 'function localBackward').start);
    const w = d.gradients.find((s) => s.keyPath[0] === 'w')!;
    assert.deepEqual(w.range, locate(file, 'dw[i][j] += cache.x[k][i] * dout[k][j];'));
    assert.equal(textOf(w.propertyRange), 'w: dw');
  });

  it('local arrow returning an imported call: followed into the other file', () => {
    const d = byName(declarations, 'localArrowCall');
    assert.deepEqual(d.gradientFunction?.range.start, locate(file, '(dout: Matrix, cache: AffineInputs) => affine.affineBackward').start);
    assert.deepEqual(
      d.gradients.map((s) => s.keyPath.join('.')),
      ['x', 'w', 'b'],
    );
    assert.deepEqual(d.gradients[1].range, locate(affine, 'matmul(transpose(cache.x), dout)'));
  });

  it('shorthand `{ backward }` and `return grads` of a local object literal', () => {
    const d = byName(declarations, 'shorthandProperty');
    assert.deepEqual(d.gradientFunction?.range.start, locate(file, '(dout: Matrix, cache: AffineInputs) => {\n  const grads').start);
    assert.deepEqual(siteTexts(d), { x: 'matmul(dout, transpose(cache.w))', w: 'matmul(transpose(cache.x), dout)', b: 'sumRows(dout)' });
    assert.equal(d.gradients[0].range.start.line, locate(file, 'const grads = {').start.line);
  });

  it('imported function declaration: followed by name, and through a renaming re-export', () => {
    for (const name of ['importedByName', 'importedThroughReExport']) {
      const d = byName(declarations, name);
      assert.deepEqual(d.gradientFunction?.range.start, locate(conv, 'export function convBackward').start, name);
      assert.deepEqual(d.forwardFunction?.range.start, locate(conv, 'export function convForward').start, name);
      assert.deepEqual(
        d.gradients.map((s) => s.keyPath[0]),
        ['dx', 'dw', 'db'],
        name,
      );
      assert.deepEqual(d.gradients[0].range, locate(conv, 'dx.data[i * length + t + k] += w.data[f * width + k] * g;'), name);
      assert.deepEqual(d.gradients[2].range, locate(conv, 'db[f] += g;'), name);
      assert.equal(textOf(d.gradients[2].propertyRange), 'db: { data: db, shape: [filters] }');
    }
  });

  it('imported arrow (through `export *`) and namespace member', () => {
    for (const name of ['importedArrow', 'namespaceMember']) {
      const d = byName(declarations, name);
      assert.equal(d.gradientFunction?.range.file, affine, name);
      assert.deepEqual(
        d.gradients.map((s) => [s.keyPath[0], textOf(s.range)]),
        [
          ['x', 'matmul(dout, transpose(cache.w))'],
          ['w', 'matmul(transpose(cache.x), dout)'],
          ['b', 'sumRows(dout)'],
        ],
      );
    }
  });

  it('lists the local files the result depends on, the file itself first', () => {
    assert.equal(dependencies[0], file);
    for (const dep of ['lib/affine.ts', 'lib/conv.ts', 'lib/index.ts', 'lib/math.ts']) assert.ok(dependencies.includes(fixture(dep)), dep);
    assert.ok(!dependencies.some((d) => d.includes('node_modules') || d.endsWith(path.join('core', 'index.ts'))));
  });

  it('scanDeclarations: local backwards analysed, imported ones located at the property value without sites', () => {
    const scanned = scanDeclarations(file, fs.readFileSync(file, 'utf8'));
    assert.deepEqual(siteTexts(byName(scanned, 'localFunction')), siteTexts(byName(declarations, 'localFunction')));
    const imported = byName(scanned, 'importedByName');
    assert.deepEqual(imported.gradientFunction?.range, locate(file, 'convBackward', 2));
    assert.deepEqual(imported.gradients, []);
    // A local backward delegating to an imported one: which gradients it returns is unknown without the import.
    assert.deepEqual(byName(scanned, 'localArrowCall').gradients, []);
  });
});

describe('discovery: following returned names', () => {
  const file = fixture('following.ts');
  const { declarations } = discoverDeclarations(file);

  it('to the initializer (through `as` casts)', () => {
    const d = byName(declarations, 'toInitializer');
    assert.deepEqual(
      d.gradients.map((s) => [s.keyPath[0], textOf(s.range)]),
      [
        ['x', 'matmul(dout, transpose(cache.w))'],
        ['w', 'matmul(transpose(cache.x), dout)'],
        ['b', 'dout[0].map((_, j) => dout[0][j] + dout[1][j])'],
      ],
    );
    assert.deepEqual(d.gradients[1].range, { file, start: { line: 10, column: 15 }, end: { line: 10, column: 47 } });
    assert.deepEqual(d.gradients[1].propertyRange, { file, start: { line: 13, column: 20 }, end: { line: 13, column: 25 } });
  });

  it('to the last element assignment in a loop, through an alias of its data', () => {
    const d = byName(declarations, 'toLastLoopAssignment');
    assert.equal(d.gradients.length, 1);
    assert.deepEqual(d.gradients[0].keyPath, ['dx']);
    assert.deepEqual(d.gradients[0].range, locate(file, 'dxData[i] += 2 * cache.x.data[i] * dout.data[i];'));
  });

  it('to the last reassignment of a scalar', () => {
    const d = byName(declarations, 'toReassignment');
    assert.deepEqual(siteTexts(d), { a: 'da = da + Math.cos(a);', b: 'a * a' });
  });

  it('into an imported function for names destructured from its result', () => {
    const d = byName(declarations, 'destructuredFromImport');
    const affine = fixture('lib/affine.ts');
    assert.deepEqual(
      d.gradients.map((s) => [s.keyPath[0], s.range.file === affine ? textOf(s.range) : 'elsewhere']),
      [
        ['x', 'matmul(dout, transpose(cache.w))'],
        ['w', 'matmul(transpose(cache.x), dout)'],
        ['b', 'sumRows(dout)'],
      ],
    );
    assert.equal(d.gradients[0].propertyRange.file, file);
  });

  it('from a `{ data, shape }` literal to the code filling its data (inside a forEach callback)', () => {
    const d = byName(declarations, 'tensorLiteralData');
    assert.deepEqual(d.gradients[0].range, locate(file, 'grad[i] = Math.exp(v) * dout.data[i];'));
  });

  it('stops at a local tensor literal that nothing fills', () => {
    assert.deepEqual(siteTexts(byName(declarations, 'localTensorLiteral')), { x: '{ data: new Float64Array([1, 1]), shape: [2] }' });
  });

  it('to a helper filling it as its first argument, not one reading it or a shadowing callback', () => {
    const d = byName(declarations, 'filledByHelper');
    assert.deepEqual(d.gradients[0].range, locate(file, 'addInto(dx.data, dout.data);'));
  });

  it('uses the property itself for a parameter', () => {
    const d = byName(declarations, 'parameterPassedThrough');
    assert.deepEqual(d.gradients[0].range, locate(file, 'x: dout'));
    assert.deepEqual(d.gradients[0].propertyRange, d.gradients[0].range);
  });
});

describe('discovery: models', () => {
  const file = fixture('model-grads.ts');
  const { declarations } = discoverDeclarations(file);

  it('nested gradient trees give one site per leaf', () => {
    const d = byName(declarations, 'nestedTree');
    assert.deepEqual(siteTexts(d), {
      'fc1.W': 'matmul(transpose(d.X), dh)',
      'fc1.b': 'sumRows(dh)',
      'fc2.W': 'matmul(transpose(h), dout)',
      'fc2.b': 'sumRows(dout)',
    });
    assert.equal(textOf(d.gradients[0].propertyRange), 'W: dW1');
  });

  it("`return grads` filled by `grads.b1 = …` and `grads['W1'] = …`", () => {
    const d = byName(declarations, 'flatAssigned');
    assert.deepEqual(siteTexts(d), { W1: 'matmul(transpose(d.X), dout)', b1: 'sumRows(dout)' });
    assert.equal(textOf(d.gradients[0].propertyRange), "grads['W1'] = matmul(transpose(d.X), dout)");
  });

  it('groups assigned whole, and a later member assignment overriding one leaf', () => {
    const d = byName(declarations, 'groupsAssigned');
    assert.deepEqual(siteTexts(d), {
      'fc2.W': 'matmul(transpose(h), dout)',
      'fc2.b': 'sumRows(dout)',
      'fc1.W': 'matmul(transpose(d.X), dh)',
      'fc1.b': 'sumRows(dh)',
    });
    assert.equal(textOf(d.gradients.find((s) => s.keyPath.join('.') === 'fc1.b')!.propertyRange), 'grads.fc1.b = sumRows(dh)');
  });

  it('members of a grads object computed in place point at their last write', () => {
    const d = byName(declarations, 'filledInPlace');
    assert.deepEqual(siteTexts(d), { W1: 'grads.W1[i][0] += d.X[k][i] * dout[k][0];', b1: 'db[0] += row[0];' });
  });
});

describe('discovery: valueAndGrad', () => {
  const file = fixture('value-and-grad.ts');
  const { declarations } = discoverDeclarations(file);

  it('[J, grad] with an unrolled vector: one bare site at the code that fills it', () => {
    const d = byName(declarations, 'unrolledTuple');
    assert.equal(d.gradientFunction?.property, 'valueAndGrad');
    assert.equal(d.forwardFunction, undefined);
    assert.deepEqual(
      d.gradients.map((s) => s.keyPath),
      [[]],
    );
    assert.deepEqual(d.gradients[0].range, locate(file, 'grad[i] = Math.sinh(theta.data[i]);'));
    assert.equal(textOf(d.gradients[0].propertyRange), 'grad as unknown as Gradients');
  });

  it('[value, { x, y }]: the grads part of the tuple', () => {
    assert.deepEqual(siteTexts(byName(declarations, 'namedTuple')), {
      x: '{ data: new Float64Array([y, y]), shape: [2] }',
      y: 'x.data[0] + x.data[1]',
    });
  });

  it('{ value, grad }: the grad property, followed to a local object', () => {
    assert.deepEqual(siteTexts(byName(declarations, 'valueObject')), { a: '3 * a ** 2' });
  });

  it('delegating to a cost function: followed into it', () => {
    const d = byName(declarations, 'delegated');
    assert.deepEqual(
      d.gradients.map((s) => s.keyPath),
      [[]],
    );
    assert.deepEqual(d.gradients[0].range, locate(file, 'grad[i] = (1 + lambda) * theta.data[i];'));
  });
});

describe('discovery: broken code', () => {
  const file = fixture('broken-syntax.ts');
  const text = fs.readFileSync(file, 'utf8');

  it('returns what it can from a file with a syntax error', () => {
    for (const declarations of [discoverDeclarations(file).declarations, scanDeclarations(file, text)]) {
      assert.deepEqual(
        declarations.map((d) => d.name),
        ['beforeError', 'broken', 'afterError'],
      );
      assert.deepEqual(siteTexts(byName(declarations, 'beforeError')), { a: '2 * a' });
    }
  });

  it('never throws on any prefix of any fixture (what an editor sees while typing)', () => {
    for (const name of ['broken-syntax.ts', 'backward-forms.ts', 'model-grads.ts']) {
      const source = fs.readFileSync(fixture(name), 'utf8');
      for (let end = 0; end <= source.length; end += 37) {
        const declarations = scanDeclarations(fixture(name), source.slice(0, end));
        assert.ok(Array.isArray(declarations));
      }
    }
  });

  it('never throws on garbage or a file that does not exist', () => {
    const garbage = scanDeclarations('/nowhere/x.ts', '}}} import { layer } from "gradlens"; export const a = layer(({');
    assert.deepEqual(
      garbage.map((d) => [d.name, d.gradients]),
      [['a', []]],
    );
    assert.deepEqual(scanDeclarations('/nowhere/y.ts', '\u0000\uffff@@@ export default'), []);
    assert.deepEqual(discoverDeclarations('/nowhere/missing.ts').declarations, []);
    const unsaved = discoverDeclarations('/nowhere/unsaved.ts', {
      text: "import { fn } from 'gradlens';\nexport const f1 = fn({ at: {}, grad: () => ({ a: 1 }) });\n",
    });
    assert.deepEqual(
      unsaved.declarations.map((d) => d.name),
      ['f1'],
    );
  });
});

describe('findGradientSite', () => {
  const layerDecl = byName(discoverDeclarations(fixture('backward-forms.ts')).declarations, 'methodShorthand'); // dx, dw, db
  const inline = byName(discoverDeclarations(fixture('backward-forms.ts')).declarations, 'inlineArrow'); // x, w, b
  const model = byName(discoverDeclarations(fixture('model-grads.ts')).declarations, 'nestedTree'); // fc1.W …
  const flat = byName(discoverDeclarations(fixture('model-grads.ts')).declarations, 'flatAssigned'); // W1, b1
  const unrolled = byName(discoverDeclarations(fixture('value-and-grad.ts')).declarations, 'unrolledTuple'); // []

  it('prefers the key the code returned', () => {
    assert.deepEqual(findGradientSite(layerDecl, 'x', 'dx')?.keyPath, ['dx']);
    assert.deepEqual(findGradientSite(inline, 'x', 'x')?.keyPath, ['x']);
  });

  it('falls back to the tensor path, then the cs231n d-prefix', () => {
    assert.deepEqual(findGradientSite(inline, 'w')?.keyPath, ['w']);
    assert.deepEqual(findGradientSite(layerDecl, 'x')?.keyPath, ['dx']);
    assert.deepEqual(findGradientSite(layerDecl, 'w', null)?.keyPath, ['dw']);
  });

  it('matches dotted model paths and flat parameter names', () => {
    assert.equal(textOf(findGradientSite(model, 'fc1.W')!.range), 'matmul(transpose(d.X), dh)');
    assert.deepEqual(findGradientSite(model, 'fc2.b', 'fc2.b')?.keyPath, ['fc2', 'b']);
    assert.deepEqual(findGradientSite(flat, 'W1')?.keyPath, ['W1']);
    assert.deepEqual(findGradientSite(flat, 'layer1.W1')?.keyPath, ['W1']);
  });

  it('uses a single bare site for any tensor, and returns undefined when nothing matches', () => {
    assert.deepEqual(findGradientSite(unrolled, 'theta')?.keyPath, []);
    assert.equal(findGradientSite(inline, 'gamma'), undefined);
    assert.equal(findGradientSite(model, 'fc3.W'), undefined);
  });
});
