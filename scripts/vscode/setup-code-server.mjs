// Installs code-server (VS Code's server, web workbench and Node extension host) from the npm registry into
// .vscode-test/code-server-<version>/, for running the integration suites in a real VS Code on machines
// without internet. A plain `npm install code-server` cannot work offline: its install step downloads
// ripgrep from GitHub and needs gssapi headers for kerberos. So: unpack the tarball, install dependencies
// without scripts, rebuild the native modules from source, and use Debian's ripgrep.
//
// Idempotent: a finished install leaves a marker and later runs return at once. Prints the install path.
// Needs (apt): ripgrep libkrb5-dev make g++ python3 (and chromium to drive the workbench).
//
//   node scripts/vscode/setup-code-server.mjs [--version 4.100.3] [--quiet]
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// 4.100.x is the newest line that runs on Node 20 (4.103+ need Node 22); it bundles VS Code 1.100.3.
export const DEFAULT_VERSION = '4.100.3';

/** Native modules that must be compiled here because their prebuilt binaries are not in the tarballs. */
const NATIVE = {
  'lib/vscode': ['kerberos', '@parcel/watcher', '@vscode/spdlog', '@vscode/deviceid', 'native-watchdog', 'node-pty'],
  '.': ['argon2'],
};

export function codeServerDir(version = DEFAULT_VERSION) {
  return join(root, '.vscode-test', `code-server-${version}`);
}

export function setupCodeServer({ version = DEFAULT_VERSION, quiet = false } = {}) {
  const target = codeServerDir(version);
  const marker = join(target, '.gradlens-complete');
  if (existsSync(marker)) return target;

  const log = (message) => quiet || console.log(`[code-server] ${message}`);
  const started = Date.now();
  const rg = which('rg');
  if (!rg) throw new Error('ripgrep is missing: apt-get install -y ripgrep (code-server needs it for search)');

  // Build in a scratch folder next to the target and move it into place at the end, so an interrupted
  // install never looks complete.
  const scratch = `${target}.partial`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });

  log(`fetching code-server@${version} from the npm registry`);
  const pack = run('npm', ['pack', `code-server@${version}`, '--silent'], { cwd: scratch });
  const tarball = pack.stdout.trim().split('\n').pop();
  run('tar', ['xzf', tarball, '--strip-components=1'], { cwd: scratch });
  rmSync(join(scratch, tarball));

  const env = {
    ...process.env,
    // node-pty's build script calls `npx node-gyp`, which would otherwise wait for a confirmation.
    npm_config_yes: 'true',
    // code-server refuses to build as root without it.
    npm_config_unsafe_perm: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  for (const dir of ['lib/vscode', 'lib/vscode/extensions', '.']) {
    log(`installing dependencies in ${dir}`);
    run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], { cwd: join(scratch, dir), env });
  }
  for (const [dir, modules] of Object.entries(NATIVE)) {
    log(`building native modules in ${dir}: ${modules.join(', ')}`);
    run('npm', ['rebuild', ...modules, '--loglevel=error'], { cwd: join(scratch, dir), env });
  }

  // VS Code looks for ripgrep inside @vscode/ripgrep, whose download step we skipped.
  const rgBin = join(scratch, 'lib/vscode/node_modules/@vscode/ripgrep/bin');
  mkdirSync(rgBin, { recursive: true });
  replaceLink(rg, join(rgBin, 'rg'));
  // The server resolves some modules through node_modules.asar, as in a packaged desktop build.
  replaceLink('node_modules', join(scratch, 'lib/vscode/node_modules.asar'));

  writeFileSync(join(scratch, '.gradlens-complete'), `code-server ${version}, installed ${new Date().toISOString()}\n`);
  rmSync(target, { recursive: true, force: true });
  renameSync(scratch, target);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${target}`);
  return target;
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd} (exit ${result.status}):\n${result.stderr || result.stdout}`);
  }
  return result;
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

function replaceLink(target, path) {
  try {
    lstatSync(path);
    unlinkSync(path);
  } catch {
    // Nothing there yet.
  }
  symlinkSync(target, path);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const versionAt = args.indexOf('--version');
  const version = versionAt >= 0 ? args[versionAt + 1] : DEFAULT_VERSION;
  try {
    console.log(setupCodeServer({ version, quiet: args.includes('--quiet') }));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
