// The npm package as a new user gets it: `npm pack` (its prepack build included) makes a tarball with the built
// CLI, worker, runtime entry, webview and types and no tests; installed into an empty folder (offline, from the
// npm cache, as on a machine without the registry), `npx gradlens init` writes a starter that a strict tsc accepts
// and `npx gradlens check` passes. Packs a copy of the repository, so nothing in the work tree (dist/ included)
// is written. A system test: it packs, installs and runs worker processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
/** What a packed copy needs: everything but the tests, benchmarks, build output and caches. */
const LEFT_OUT = new Set(['.git', 'node_modules', 'dist', 'out', 'test', 'test-results', 'bench', '.vscode-test', '.cache']);

let temp: string;
let tarball: string;
let files: string[];

/** npm without the variables of an enclosing `npm run` (they would point this npm at the repository's config). */
function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || /^npm_config_cache$/i.test(k)) env[k] = v;
  return spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1', npm_config_update_notifier: 'false' }, timeout: 180_000 });
}

function npx(args: string[], cwd: string): SpawnSyncReturns<string> {
  return npm(['exec', '--offline', '--no', '--', ...args], cwd);
}

const said = (r: SpawnSyncReturns<string>) => `exit ${r.status}\n${r.stdout}\n${r.stderr}`;

before(() => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlens-pack-'));
  const source = path.join(temp, 'source');
  fs.mkdirSync(source);
  for (const entry of fs.readdirSync(root)) {
    if (LEFT_OUT.has(entry) || entry.endsWith('.tgz') || entry.endsWith('.vsix')) continue;
    fs.cpSync(path.join(root, entry), path.join(source, entry), { recursive: true });
  }
  // The build tools (esbuild, typescript, chart.js for the webview) come from the repository's install.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  const packed = npm(['pack', '--json', '--pack-destination', temp], source);
  assert.equal(packed.status, 0, `npm pack: ${said(packed)}`);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(temp, info.filename);
  files = info.files.map((f) => f.path);
});

after(() => {
  if (temp) fs.rmSync(temp, { recursive: true, force: true });
});

test('the tarball holds the built CLI, worker, runtime entry, webview, types and docs, and no tests', () => {
  for (const needed of [
    'bin/gradlens.js',
    'dist/cli.js',
    'dist/worker.js',
    'dist/index.js',
    'dist/webview.js',
    'dist/webview.css',
    'dist/types/index.d.ts',
    'README.md',
    'docs/contract.md',
    'package.json',
  ]) {
    assert.ok(files.includes(needed), `${needed} is in the package`);
  }
  const stray = files.filter(
    (f) =>
      f.startsWith('test/') ||
      f.includes('fixtures') ||
      f.startsWith('core/') ||
      f.startsWith('extension/') ||
      f.startsWith('webview/') ||
      f.endsWith('.map') ||
      f.endsWith('.vsix'),
  );
  assert.deepEqual(stray, [], 'no sources, tests, fixtures or maps');
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.equal(manifest.exports['.'].types, './dist/types/index.d.ts');
  assert.ok(files.includes(manifest.exports['.'].default.replace(/^\.\//, '')), 'the runtime entry is packed');
});

test('installed into an empty folder: init writes a starter that strict tsc accepts, and check passes', () => {
  const project = path.join(temp, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-homework', version: '1.0.0', private: true }, null, 2));
  const installed = npm(['install', '--offline', '--no-audit', '--no-fund', '--save-dev', tarball], project);
  assert.equal(
    installed.status,
    0,
    `npm install --offline of the tarball (its dependencies esbuild and typescript must be in the npm cache): ${said(installed)}`,
  );

  const init = npx(['gradlens', 'init'], project);
  assert.equal(init.status, 0, said(init));
  assert.match(init.stdout, /wrote gradients\.check\.ts/);
  assert.match(init.stdout, /next: npx gradlens check/);
  // The installed package's own types serve the import: no copied declarations, no paths entry.
  assert.ok(!fs.existsSync(path.join(project, '.gradlens')), 'no copy of the types when the package is installed');
  const tsconfig = JSON.parse(fs.readFileSync(path.join(project, 'tsconfig.json'), 'utf8'));
  assert.equal(tsconfig.compilerOptions.strict, true);
  assert.equal(tsconfig.compilerOptions.paths, undefined);

  // A strict tsc type-checks the starter: dout and the cache are typed from forward, no implicit any.
  const tsc = npx(['tsc', '-p', '.', '--noImplicitAny'], project);
  assert.equal(tsc.status, 0, `tsc: ${said(tsc)}`);

  const check = npx(['gradlens', 'check', '--no-progress'], project);
  assert.equal(check.status, 0, said(check));
  assert.match(check.stdout, /✓ affine layer gradients\.check\.ts:\d+ +gradients match/);
  assert.match(check.stdout, /2 declarations in 1 file: 2 passed/);

  // A wrong gradient fails with exit code 1, in the installed package as in the repository.
  const starter = fs.readFileSync(path.join(project, 'gradients.check.ts'), 'utf8');
  fs.writeFileSync(path.join(project, 'gradients.check.ts'), starter.replace('db[m] += g;', 'db[m] += 2 * g;'));
  const failing = npx(['gradlens', 'check', '--no-progress', '--only', 'affine'], project);
  assert.equal(failing.status, 1, said(failing));
  assert.match(failing.stdout, /✗ affine layer .*\bb ×2/);

  // The package's main entry works outside a check too (a model file run by plain node or a test runner).
  const node = spawnSync(process.execPath, ['-e', "const g = require('gradlens'); process.stdout.write(typeof g.layer + ' ' + typeof g.randn)"], {
    cwd: project,
    encoding: 'utf8',
  });
  assert.equal(node.stdout, 'function function', said(node));
});
