// Re-checking an unchanged file skips esbuild; any change to the file, an import or a buffer rebuilds it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileModelFile } from '../../core/runner/compile';

test('an unchanged file is not bundled again; an edited import or an unsaved buffer is', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlens-compile-cache-'));
  const main = path.join(dir, 'main.ts');
  const helper = path.join(dir, 'helper.ts');
  fs.writeFileSync(helper, 'export const k = 2;\n');
  fs.writeFileSync(main, "import { k } from './helper';\nexport const twice = (x: number) => k * x;\n");
  const cacheDir = path.join(dir, 'cache');
  const first = await compileModelFile(main, { cacheDir });
  assert.ok(first.ok);
  const again = await compileModelFile(main, { cacheDir });
  assert.equal(again, first, 'the remembered result');
  fs.writeFileSync(helper, 'export const k = 3;\n');
  fs.utimesSync(helper, new Date(), new Date(Date.now() + 5_000));
  const edited = await compileModelFile(main, { cacheDir });
  assert.notEqual(edited.hash, first.hash);
  const buffer = await compileModelFile(main, { cacheDir, overlays: { [main]: 'export const twice = (x: number) => 4 * x;\n' } });
  assert.notEqual(buffer.hash, edited.hash);
  assert.deepEqual(buffer.dependencies, [main]);
  // A broken import is never remembered: creating the missing file fixes the next compile.
  const broken = path.join(dir, 'broken.ts');
  fs.writeFileSync(broken, "export { z } from './later';\n");
  assert.equal((await compileModelFile(broken, { cacheDir })).ok, false);
  fs.writeFileSync(path.join(dir, 'later.ts'), 'export const z = 1;\n');
  assert.equal((await compileModelFile(broken, { cacheDir })).ok, true);
});
