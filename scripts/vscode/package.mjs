// `npm run package`: builds everything and packs dist/gradlens.vsix, an extension that checks model files with
// nothing else installed. TypeScript is bundled into dist/extension.js; esbuild (which compiles users' model
// files at run time) cannot be bundled, because its work is done by a native binary. We ship the esbuild
// package and the binary of the platform we package on, under dist/node_modules/ (where the bundled
// require('esbuild') finds them), and mark the .vsix as that platform's (vsce --target): a native binary is
// ~10 MB and runs the compile step in milliseconds, where esbuild-wasm would be slower to start and compile
// and is not installed here. Packaging on each CI platform yields that platform's .vsix.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'package.json'));

/** VS Code's platform names (vsce --target) for Node's platform and arch. */
function vscodeTarget() {
  const arch = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[process.arch];
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform];
  if (!arch || !platform) throw new Error(`no VS Code target for ${process.platform}-${process.arch}`);
  return `${platform}-${arch}`;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Copies esbuild's JS API and this platform's binary package into dist/node_modules/. */
function vendorEsbuild() {
  const esbuildDir = dirname(require.resolve('esbuild/package.json'));
  const { version, optionalDependencies } = JSON.parse(readFileSync(join(esbuildDir, 'package.json'), 'utf8'));
  const binaryPackage = `@esbuild/${process.platform}-${process.arch}`;
  if (!(binaryPackage in optionalDependencies)) throw new Error(`esbuild ${version} has no binary package for ${process.platform}-${process.arch}`);
  const binaryDir = dirname(createRequire(join(esbuildDir, 'package.json')).resolve(`${binaryPackage}/package.json`));
  const target = join(root, 'dist', 'node_modules');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const part of ['package.json', 'lib', 'LICENSE.md']) {
    if (existsSync(join(esbuildDir, part))) cpSync(join(esbuildDir, part), join(target, 'esbuild', part), { recursive: true });
  }
  cpSync(binaryDir, join(target, binaryPackage), { recursive: true });
  const binary = join(target, binaryPackage, process.platform === 'win32' ? 'esbuild.exe' : 'bin/esbuild');
  if (!existsSync(binary)) throw new Error(`the esbuild binary is missing at ${binary}`);
  return { version, binaryPackage, size: statSync(binary).size };
}

// --no-build: package what is already in dist/ (after a build with other options).
if (!process.argv.includes('--no-build')) run(process.execPath, ['esbuild.config.mjs']);
const vendored = vendorEsbuild();
const target = vscodeTarget();
console.log(`packaging for ${target} with esbuild ${vendored.version} (${vendored.binaryPackage}, ${(vendored.size / 1e6).toFixed(1)} MB)`);
// vsce refuses a package.json `files` list (the npm package's contents) next to a .vscodeignore (the .vsix's), so
// the .vsix is packed from a staging folder: the manifest without `files`, and what .vscodeignore lets through.
const stage = mkdtempSync(join(tmpdir(), 'gradlens-vsix-'));
try {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete manifest.files;
  delete manifest.scripts;
  delete manifest.devDependencies;
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  for (const part of [
    '.vscodeignore',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'extension/media/icon.png',
    'dist/extension.js',
    'dist/worker.js',
    'dist/webview.js',
    'dist/webview.css',
    'dist/types',
    'dist/node_modules',
  ]) {
    if (existsSync(join(root, part))) cpSync(join(root, part), join(stage, part), { recursive: true });
  }
  const vsce = spawnSync(
    process.execPath,
    [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--target', target, '-o', join(root, 'dist', 'gradlens.vsix')],
    { cwd: stage, stdio: 'inherit' },
  );
  if (vsce.status !== 0) process.exit(vsce.status ?? 1);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
