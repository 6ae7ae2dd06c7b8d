// Full discovery in a throwaway project: tsconfig `paths` (through `extends`), `.js` specifiers of `.ts`
// files, JavaScript model files, unsaved buffers, and caches that notice edits and new files on disk.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearDiscoveryCache, discoverDeclarations, scanDeclarations } from '../../core/discovery/index';

let root: string;
const at = (...parts: string[]) => path.join(root, ...parts);
const write = (relative: string, text: string) => {
  fs.mkdirSync(path.dirname(at(relative)), { recursive: true });
  fs.writeFileSync(at(relative), text);
};

const DENSE = `export function denseBackward(dout: number[], cache: { x: number[]; w: number }) {
  const dx = dout.map((g) => g * cache.w);
  let dw = 0;
  for (let i = 0; i < dout.length; i++) dw += dout[i] * cache.x[i];
  return { x: dx, w: dw };
}
`;

const MODEL = `import { layer } from 'gradlens';
import { denseBackward } from '@grad/dense';

export const dense = layer({
  at: { x: [0.5, -1.5], w: 2 },
  forward: ({ x, w }) => x.map((v) => v * w),
  backward: denseBackward,
});
`;

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlens-discovery-'));
  write('tsconfig.base.json', JSON.stringify({ compilerOptions: { paths: { '@grad/*': ['./src/grad/*'] } } }));
  write('tsconfig.json', JSON.stringify({ extends: './tsconfig.base.json', include: ['src'] }));
  write('src/grad/dense.ts', DENSE);
  write('src/model.ts', MODEL);
});

after(() => {
  clearDiscoveryCache();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('discovery in a project', () => {
  it('follows a tsconfig `paths` import declared in an extended config without baseUrl', () => {
    const result = discoverDeclarations(at('src/model.ts'));
    const [dense] = result.declarations;
    assert.equal(dense.name, 'dense');
    assert.equal(dense.gradientFunction?.range.file, at('src/grad/dense.ts'));
    assert.deepEqual(
      dense.gradients.map((s) => [s.keyPath.join('.'), s.range.file, s.range.start.line]),
      [
        ['x', at('src/grad/dense.ts'), 1],
        ['w', at('src/grad/dense.ts'), 3],
      ],
    );
    assert.deepEqual(result.dependencies, [at('src/model.ts'), at('src/grad/dense.ts')]);
  });

  it('sees an imported file change on disk', () => {
    write('src/grad/dense.ts', `// moved down by a comment line\n${DENSE}`);
    const [dense] = discoverDeclarations(at('src/model.ts')).declarations;
    assert.deepEqual(
      dense.gradients.map((s) => s.range.start.line),
      [2, 4],
    );
    write('src/grad/dense.ts', DENSE);
    assert.deepEqual(
      discoverDeclarations(at('src/model.ts')).declarations[0].gradients.map((s) => s.range.start.line),
      [1, 3],
    );
  });

  it('analyses an unsaved buffer instead of the file on disk, then the disk again', () => {
    const edited = MODEL.replace('export const dense', '\n\nexport const renamed');
    const fromBuffer = discoverDeclarations(at('src/model.ts'), { text: edited });
    assert.deepEqual(
      fromBuffer.declarations.map((d) => [d.name, d.range.start.line]),
      [['renamed', 5]],
    );
    assert.equal(fromBuffer.declarations[0].gradients.length, 2);
    assert.deepEqual(
      discoverDeclarations(at('src/model.ts')).declarations.map((d) => [d.name, d.range.start.line]),
      [['dense', 3]],
    );
  });

  it('resolves an import once the imported file is created', () => {
    const text = MODEL.replace("'@grad/dense'", "'./later'");
    write('src/waiting.ts', text);
    const before = discoverDeclarations(at('src/waiting.ts')).declarations[0];
    assert.equal(before.gradientFunction?.range.file, at('src/waiting.ts'));
    assert.deepEqual(before.gradients, []);
    write('src/later.ts', DENSE);
    const afterCreate = discoverDeclarations(at('src/waiting.ts')).declarations[0];
    assert.equal(afterCreate.gradientFunction?.range.file, at('src/later.ts'));
    assert.equal(afterCreate.gradients.length, 2);
  });

  it('resolves `.js` specifiers to `.ts` files and reads JavaScript model files', () => {
    write(
      'src/plain.js',
      `import * as gl from 'gradlens';
import { denseBackward } from './grad/dense.js';

export const fromJs = gl.layer({ at: { x: [1, 2], w: 3 }, forward: ({ x, w }) => x.map((v) => v * w), backward: denseBackward });
`,
    );
    const [fromJs] = discoverDeclarations(at('src/plain.js')).declarations;
    assert.equal(fromJs.name, 'fromJs');
    assert.deepEqual(
      fromJs.gradients.map((s) => s.range.file),
      [at('src/grad/dense.ts'), at('src/grad/dense.ts')],
    );
  });

  it('keeps working without any tsconfig', () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlens-bare-'));
    try {
      fs.writeFileSync(path.join(bare, 'lib.ts'), DENSE);
      fs.writeFileSync(path.join(bare, 'm.ts'), MODEL.replace("'@grad/dense'", "'./lib'"));
      const [dense] = discoverDeclarations(path.join(bare, 'm.ts')).declarations;
      assert.equal(dense.gradients[0].range.file, path.join(bare, 'lib.ts'));
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });

  it('returns the same result again for unchanged files, as a fresh copy', () => {
    const first = discoverDeclarations(at('src/model.ts'));
    const second = discoverDeclarations(at('src/model.ts'));
    assert.deepEqual(second, first);
    second.declarations[0].gradients.length = 0;
    assert.equal(discoverDeclarations(at('src/model.ts')).declarations[0].gradients.length, 2);
  });

  it('scanDeclarations does not read other files', () => {
    const [dense] = scanDeclarations(at('src/model.ts'), MODEL);
    assert.equal(dense.gradientFunction?.range.file, at('src/model.ts'));
    assert.deepEqual(dense.gradients, []);
  });
});
