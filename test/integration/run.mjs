// `npm run test:integration`: the mocha suites in a real VS Code extension host. Builds and packages the
// extension (dist/gradlens.vsix), sets up code-server from npm (cached in .vscode-test/), installs the .vsix
// into a fresh profile, and runs each scenario's suite through the web workbench in headless Chromium:
//   trusted     a multi-root workspace (copies of the examples), trust disabled: lenses, diagnostics,
//               Test Explorer, editing, cancellation, time limits, progress, the screenshots in test-results/.
//   restricted  the same examples in an untrusted folder: nothing runs until the test grants trust.
// Prints mocha's results and exits non-zero when a test fails. `--only=trusted` runs one scenario,
// `--grep=Diagnostics` only matching tests, `--no-package` reuses dist/gradlens.vsix;
// GRADLENS_E2E_VERBOSE=1 shows the server and browser consoles; GRADLENS_E2E_KEEP=1 keeps the scratch folders.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupCodeServer } from '../../scripts/vscode/setup-code-server.mjs';
import { buildSuites, suiteOut } from './build-suites.mjs';
import { prepareProfile, startCodeServer } from './code-server.mjs';
import { runSuite, signalPaths } from './workbench.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const skipPackage = args.includes('--no-package');
/** --grep=<text>: only the tests whose full title contains it (mocha's grep). */
const grep = args.find((a) => a.startsWith('--grep='))?.slice('--grep='.length);
// Generous: on a loaded 2-core machine the trusted suite has taken up to 3.5 min.
const SUITE_TIMEOUT_MS = 480_000;

const scenarios = [
  { name: 'trusted', trust: true, multiRoot: true },
  { name: 'restricted', trust: false, multiRoot: false },
].filter((s) => !only || only.includes(s.name));

function step(title, fn) {
  const started = Date.now();
  process.stdout.write(`• ${title}… `);
  const value = fn();
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  return value;
}

function npm(script) {
  const result = spawnSync('npm', ['run', '--silent', script], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    console.error(`\nnpm run ${script} failed:\n${result.stdout}\n${result.stderr}`);
    process.exit(1);
  }
}

/** A scratch copy of the examples (tests edit files) with a tsconfig that resolves 'gradlens' for the editor. */
function makeWorkspace(scratch, multiRoot) {
  const examples = join(scratch, 'examples');
  cpSync(join(root, 'examples'), examples, { recursive: true });
  writeFileSync(
    join(examples, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          paths: { gradlens: [join(root, 'core/index.ts')] },
        },
        include: ['./**/*.ts'],
      },
      null,
      2,
    ),
  );
  if (!multiRoot) return { folder: examples, open: examples };
  // A second root with a model file of its own, to check that lenses and checks work in every folder.
  const second = join(scratch, 'second-root');
  mkdirSync(join(second, 'lib'), { recursive: true });
  cpSync(join(root, 'examples', 'lib'), join(second, 'lib'), { recursive: true });
  cpSync(join(root, 'examples', 'affine.ts'), join(second, 'affine.ts'));
  writeFileSync(join(second, 'tsconfig.json'), readFileSync(join(examples, 'tsconfig.json')));
  const workspaceFile = join(scratch, 'gradlens-e2e.code-workspace');
  writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: examples }, { path: second }], settings: {} }, null, 2));
  return { folder: examples, open: workspaceFile };
}

const totalStarted = Date.now();
console.log('Gradlens integration tests (real VS Code: code-server + Chromium)');
if (!skipPackage) step('building and packaging dist/gradlens.vsix', () => npm('package'));
const vsix = join(root, 'dist', 'gradlens.vsix');
if (!existsSync(vsix)) {
  console.error(`${vsix} is missing (run npm run package)`);
  process.exit(1);
}
const codeServer = step('setting up code-server', () => setupCodeServer({ quiet: true }));
await (async () => {
  const started = Date.now();
  process.stdout.write('• compiling the suites… ');
  await buildSuites();
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
})();

const outcomes = [];
for (const scenario of scenarios) {
  const started = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), `gradlens-e2e-${scenario.name}-`));
  console.log(`\n── scenario: ${scenario.name} (scratch ${scratch})`);
  const workspace = makeWorkspace(scratch, scenario.multiRoot);
  const profile = prepareProfile({ codeServer, scratch, vsix, settings: scenario.trust ? {} : { 'security.workspace.trust.startupPrompt': 'always' } });
  const signals = signalPaths(scratch);
  const results = join(scratch, 'mocha-results.txt');
  const serverStarting = Date.now();
  const server = await startCodeServer({
    codeServer,
    scratch,
    folder: workspace.open,
    ...profile,
    trust: scenario.trust,
    env: {
      GRADLENS_E2E_SIGNALS: signals,
      GRADLENS_E2E_RESULTS: results,
      GRADLENS_E2E_REPO: root,
      GRADLENS_E2E_SCENARIO: scenario.name,
      ...(grep ? { GRADLENS_E2E_GREP: grep } : {}),
    },
  });
  const phases = [`server ${((Date.now() - serverStarting) / 1000).toFixed(1)} s`];
  let code = 1;
  const suiteStarted = Date.now();
  try {
    const isWorkspaceFile = workspace.open.endsWith('.code-workspace');
    code = await runSuite({
      server,
      folder: workspace.open,
      isWorkspaceFile,
      developmentPath: suiteOut,
      testsPath: join(suiteOut, scenario.name, 'index.js'),
      scratch,
      signals,
      timeoutMs: SUITE_TIMEOUT_MS,
      onLog: (line) => {
        if (process.env.GRADLENS_E2E_VERBOSE || line.includes('[runner]')) console.log(line);
      },
    });
  } catch (error) {
    console.error(`  runner error: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  } finally {
    phases.push(`workbench + suite ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s`);
    const stopping = Date.now();
    await server.stop();
    phases.push(`stop ${((Date.now() - stopping) / 1000).toFixed(1)} s`);
  }
  if (existsSync(results)) process.stdout.write(readFileSync(results, 'utf8'));
  else console.log('  (the suite produced no mocha output: see code-server.log and failure.png in the scratch folder)');
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`── ${scenario.name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds} s (${phases.join(', ')})`);
  outcomes.push({ name: scenario.name, code });
  if (code === 0 && !process.env.GRADLENS_E2E_KEEP) rmSync(scratch, { recursive: true, force: true });
  else console.log(`   kept ${scratch} (code-server.log, failure.png)`);
}

const failed = outcomes.filter((o) => o.code !== 0);
console.log(`\nintegration: ${outcomes.length - failed.length} of ${outcomes.length} scenarios passed in ${((Date.now() - totalStarted) / 1000).toFixed(0)} s`);
process.exit(failed.length ? 1 : 0);
