// `npm run check:imports [-- root]`: the import directions of docs/architecture.md, checked on every .ts file
// under core/, extension/ and webview/. Prints one line per import that goes the wrong way and exits 1; exits 0
// when there is none. `root` defaults to the repository (the unit test runs it on a fixture tree).
//
// The rules:
// - Inside core/, a module imports only from its own layer or a lower one:
//     util  ←  contract, report, defaults.ts  ←  numerics  ←  runner, discovery  ←  engine  ←  grade  ←  entries  ←  cli
//   (util is importable by all; the entries are core/index.ts, the package's public entry, and core/runtime.ts,
//   what `import … from 'gradlens'` is inside a worker). No core module imports core/index.ts: it is for users
//   and the other targets; core modules import the module they need.
// - core/runner/worker-main.ts, the worker bundle's entry point, composes the layers: it may also import the
//   handler registrations of higher layers (`<layer>/worker-handlers.ts`) and core/runtime.ts.
// - extension/ and webview/ import only core's public surface (PUBLIC below), never the rest of core; the
//   extension may import webview/protocol.ts (the messages between the panel and the page), nothing else of
//   webview/; webview/ never imports extension/.
// - core/ never imports extension/ or webview/, nor 'vscode'; webview/ imports neither node's modules nor 'vscode'.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The layers of core/, lowest first: a module may import its own layer and the ones before it. */
export const LAYERS = [
  ['util'],
  ['contract', 'report', 'defaults.ts'],
  ['numerics'],
  ['runner', 'discovery'],
  ['engine'],
  ['grade'],
  ['index.ts', 'runtime.ts'],
  ['cli'],
];

/** The modules of core/ that extension/ and webview/ may import (a trailing '/*' takes a whole folder). */
export const PUBLIC = [
  'core/index.ts', // the contract: fn, layer, model, tensors
  'core/defaults.ts', // the defaults of every setting
  'core/engine/api.ts', // the engine's request, result and option types
  'core/engine/engine.ts', // the Engine (check files in worker processes)
  'core/discovery/index.ts', // static discovery: where declarations and their gradients are
  'core/discovery/types.ts',
  'core/report/*', // the report's data types, its words, the HTML page and report renderers
  'core/cli/init-command.ts', // workspace setup (`gradlens init`, the extension's Set Up Workspace)
];

/** core/runner/worker-main.ts may import these beyond its layer (it assembles the worker). */
const WORKER_ENTRY = 'core/runner/worker-main.ts';
const composedByWorker = (target) => /^core\/[a-z-]+\/worker-handlers\.ts$/.test(target) || target === 'core/runtime.ts';

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.mjs', '.cjs', '.json'];

const posix = (p) => p.split(sep).join('/');
/** A bare specifier's package: 'chart.js/auto' → 'chart.js', '@scope/pkg/x' → '@scope/pkg'; node's own stay whole. */
const packageName = (s) =>
  NODE_BUILTINS.has(s)
    ? s
    : s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/');

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else if (/\.(m|c)?tsx?$/.test(name)) out.push(path);
  }
  return out;
}

/** Every module specifier of a file, with its line: imports, re-exports, import() and require(). */
function specifiersOf(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  const add = (node) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve =
        ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.name.text === 'resolve';
      if (isImport || isRequire || isResolve) add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The repository-relative file a relative specifier names (or the path it would have), 'gradlens' → core/index.ts. */
function resolveSpecifier(root, from, specifier) {
  if (specifier === 'gradlens') return 'core/index.ts';
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => join(base, `index${e}`))];
  // `./x.js` naming `./x.ts` (TypeScript's ESM style).
  if (/\.[cm]?js$/.test(base)) candidates.push(base.replace(/\.([cm]?)js$/, '.$1ts'));
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
  return posix(relative(root, hit));
}

function layerOf(coreFile) {
  const first = coreFile.slice('core/'.length).split('/')[0];
  return LAYERS.findIndex((names) => names.includes(first));
}

const isPublic = (target) => PUBLIC.some((p) => (p.endsWith('/*') ? target.startsWith(p.slice(0, -1)) : target === p));
const area = (file) => file.split('/')[0];

/** Why `file` may not import `target` (a repository-relative path, or a bare package name), or undefined. */
export function violation(file, target, bare) {
  const from = area(file);
  if (bare) {
    if (target === 'vscode' && from !== 'extension') return `only extension/ imports 'vscode'`;
    if (from === 'webview' && NODE_BUILTINS.has(target)) return `webview/ runs in a browser: no node modules ('${target}')`;
    return undefined;
  }
  const to = area(target);
  if (from === 'core') {
    if (to === 'extension' || to === 'webview') return `core never imports ${to}/`;
    if (to !== 'core') return undefined;
    if (target === 'core/index.ts') return 'core/index.ts is the public entry for users and other targets: import the module you need';
    if (file === WORKER_ENTRY && composedByWorker(target)) return undefined;
    const mine = layerOf(file);
    const theirs = layerOf(target);
    if (mine < 0) return `${file} is in no layer (scripts/check-imports.mjs LAYERS)`;
    if (theirs < 0) return `${target} is in no layer (scripts/check-imports.mjs LAYERS)`;
    if (theirs > mine) return `${LAYERS[mine].join('/')} must not import ${LAYERS[theirs].join('/')} (a higher layer)`;
    return undefined;
  }
  if (from === 'extension' || from === 'webview') {
    if (to === 'core' && !isPublic(target)) return `${from}/ imports only core's public surface (${PUBLIC.join(', ')})`;
    if (from === 'webview' && to === 'extension') return 'webview/ never imports extension/';
    if (from === 'extension' && to === 'webview' && target !== 'webview/protocol.ts') return 'extension/ imports only webview/protocol.ts of webview/';
  }
  return undefined;
}

export function checkImports(root) {
  const problems = [];
  let files = 0;
  for (const dir of ['core', 'extension', 'webview']) {
    for (const absolute of listFiles(join(root, dir))) {
      files++;
      const file = posix(relative(root, absolute));
      for (const { specifier, line } of specifiersOf(absolute)) {
        const resolved = resolveSpecifier(root, absolute, specifier);
        const bare = resolved === undefined;
        const why = violation(file, bare ? packageName(specifier) : resolved, bare);
        if (why) problems.push(`${file}:${line}: imports '${specifier}': ${why}`);
      }
    }
  }
  return { files, problems };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const { files, problems } = checkImports(root);
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`\n${problems.length} import${problems.length === 1 ? '' : 's'} against the layering (docs/architecture.md)`);
    process.exit(1);
  }
  console.log(`imports: ${files} files, every import goes the way of the layers`);
}
