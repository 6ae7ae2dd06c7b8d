// The import-direction check (scripts/check-imports.mjs) on throwaway trees: a tree that follows the layers
// passes, and each kind of wrong import fails with its file, line and reason. The command runs once (its exit
// code and output); the other cases call its checkImports in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const script = path.resolve(__dirname, '../../scripts/check-imports.mjs');
type CheckImports = (root: string) => { files: number; problems: string[] };
const loaded = import(pathToFileURL(script).href) as Promise<{ checkImports: CheckImports }>;

/** A tree that follows the layers, with `extra` files added or replaced. */
function tree(t: { after(fn: () => void): void }, extra: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlens-imports-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'core/util/files.ts': "import { promises } from 'node:fs';\nexport const fsp = promises;\n",
    'core/report/types.ts': 'export interface Report { ok: boolean }\n',
    'core/report/page.ts': "import { randomBytes } from 'node:crypto';\nexport const nonce = () => randomBytes(4);\n",
    'core/contract/tensor.ts': "import type { Report } from '../report/types';\nexport type T = Report;\n",
    'core/numerics/probe.ts': "import type { T } from '../contract/tensor';\nexport type P = T;\n",
    'core/runner/handlers.ts': "import { fsp } from '../util/files';\nexport const register = (_: string) => fsp;\n",
    'core/runner/worker-main.ts':
      "import '../engine/worker-handlers';\nimport '../grade/worker-handlers';\nimport * as runtime from '../runtime';\nexport { runtime };\n",
    'core/discovery/index.ts': "import type { P } from '../numerics/probe';\nexport type D = P;\n",
    'core/engine/worker-handlers.ts': "import { register } from '../runner/handlers';\nregister('check');\n",
    'core/engine/api.ts': "import type { D } from '../discovery/index';\nexport type Api = D;\n",
    'core/grade/assignment.ts': 'export const assignment = () => ({});\n',
    'core/grade/worker-handlers.ts':
      "import { register } from '../runner/handlers';\nimport type { Api } from '../engine/api';\nregister('grade');\nexport type G = Api;\n",
    'core/runtime.ts': "export { assignment } from './grade/assignment';\n",
    'core/index.ts': "export * from './runtime';\n",
    'core/cli/main.ts':
      "import { assignment } from '../runtime';\nimport type { G } from '../grade/worker-handlers';\nexport const main = (g?: G) => [assignment, g];\n",
    'webview/protocol.ts': 'export const VERSION = 1;\n',
    'webview/main.ts':
      "import type { Report } from '../core/report/types';\nimport { VERSION } from './protocol';\nexport const show = (r: Report) => [r, VERSION, document.body];\n",
    'extension/panel.ts':
      "import * as vscode from 'vscode';\nimport type { Api } from '../core/engine/api';\nimport { nonce } from '../core/report/page';\nimport { VERSION } from '../webview/protocol';\nexport const open = (a: Api) => [vscode, a, nonce, VERSION];\n",
    ...extra,
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** The command's exit status and output, as `npm run check:imports` would give them (in-process). */
async function check(root: string): Promise<{ status: number; output: string }> {
  const { problems } = (await loaded).checkImports(root);
  const summary = problems.length ? `\n${problems.length} import${problems.length === 1 ? '' : 's'} against the layering` : '';
  return { status: problems.length ? 1 : 0, output: problems.join('\n') + summary };
}

test('a tree whose imports follow the layers passes', async (t) => {
  const { status, output } = await check(tree(t));
  assert.equal(status, 0, output);
});

test('the command exits 1 on a wrong import and names it (npm run check:imports exits 0 on the repository)', (t) => {
  const bad = spawnSync(process.execPath, [script, tree(t, { 'core/contract/bad.ts': "import '../engine/api';\n" })], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(
    bad.stderr,
    /^core\/contract\/bad\.ts:1: imports '\.\.\/engine\/api': contract\/report\/defaults\.ts must not import engine \(a higher layer\)$/m,
  );
  assert.match(bad.stderr, /1 import against the layering \(docs\/architecture\.md\)/);
});

test('a lower layer importing a higher one fails, with the file, the line and the layers', async (t) => {
  const { status, output } = await check(
    tree(t, { 'core/runner/handlers.ts': "export const x = 1;\nimport { main } from '../cli/main';\nexport const y = main;\n" }),
  );
  assert.equal(status, 1);
  assert.match(output, /^core\/runner\/handlers\.ts:2: imports '\.\.\/cli\/main': runner\/discovery must not import cli \(a higher layer\)$/m);
});

test('type-only imports, re-exports, import() and require() count too', async (t) => {
  const { status, output } = await check(
    tree(t, {
      'core/contract/a.ts': "import type { Api } from '../engine/api';\nexport type A = Api;\n",
      'core/contract/b.ts': "export * from '../numerics/probe';\n",
      'core/report/c.ts': "export const load = () => import('../grade/assignment');\n",
      'core/numerics/d.ts': "export const e = require('../engine/api');\n",
    }),
  );
  assert.equal(status, 1);
  for (const file of ['core/contract/a.ts', 'core/contract/b.ts', 'core/report/c.ts', 'core/numerics/d.ts'])
    assert.match(output, new RegExp(`^${file}:\\d+: `, 'm'));
  assert.match(output, /4 imports against the layering/);
});

test('core never imports extension/ or webview/, nor its own public entry', async (t) => {
  const { status, output } = await check(
    tree(t, {
      'core/report/html.ts': "import { show } from '../../webview/main';\nexport const html = show;\n",
      'core/engine/host.ts': "import { open } from '../../extension/panel';\nimport { assignment } from '../index';\nexport const h = [open, assignment];\n",
      'core/grade/vs.ts': "import * as vscode from 'vscode';\nimport { fn } from 'gradlens';\nexport const v = [vscode, fn];\n",
    }),
  );
  assert.equal(status, 1);
  assert.match(output, /core\/report\/html\.ts:1: .*core never imports webview\//);
  assert.match(output, /core\/engine\/host\.ts:1: .*core never imports extension\//);
  assert.match(output, /core\/engine\/host\.ts:2: .*core\/index\.ts is the public entry/);
  assert.match(output, /core\/grade\/vs\.ts:1: .*only extension\/ imports 'vscode'/);
  assert.match(output, /core\/grade\/vs\.ts:2: imports 'gradlens': core\/index\.ts is the public entry/);
});

test('the worker entry composes registrations, but other runner modules may not import them', async (t) => {
  const { status, output } = await check(tree(t, { 'core/runner/pool.ts': "import '../engine/worker-handlers';\n" }));
  assert.equal(status, 1);
  assert.match(output, /core\/runner\/pool\.ts:1: .*must not import engine/);
  assert.doesNotMatch(output, /worker-main/);
});

test("extension/ and webview/ use core's public surface only; webview/ has no node modules", async (t) => {
  const { status, output } = await check(
    tree(t, {
      'extension/inside.ts':
        "import { register } from '../core/runner/handlers';\nimport { show } from '../webview/main';\nexport const x = [register, show];\n",
      'webview/node.ts':
        "import { readFileSync } from 'node:fs';\nimport * as path from 'path';\nimport { open } from '../extension/panel';\nexport const x = [readFileSync, path, open];\n",
    }),
  );
  assert.equal(status, 1);
  assert.match(output, /extension\/inside\.ts:1: .*imports only core's public surface/);
  assert.match(output, /extension\/inside\.ts:2: .*imports only webview\/protocol\.ts/);
  assert.match(output, /webview\/node\.ts:1: .*no node modules \('node:fs'\)/);
  assert.match(output, /webview\/node\.ts:2: .*no node modules \('path'\)/);
  assert.match(output, /webview\/node\.ts:3: .*never imports extension\//);
});

test('a folder of core/ that is in no layer is named', async (t) => {
  const { status, output } = await check(tree(t, { 'core/misc/thing.ts': "import { fsp } from '../util/files';\nexport const t = fsp;\n" }));
  assert.equal(status, 1);
  assert.match(output, /core\/misc\/thing\.ts is in no layer/);
});
