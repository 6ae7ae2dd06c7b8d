#!/usr/bin/env node
// Stands in for a desktop VS Code executable where there is none (no VS Code build is downloadable here):
// @vscode/test-electron's runTests({ vscodeExecutablePath }) and @vscode/test-cli's useInstallation.fromPath
// launch it with VS Code's usual arguments (--extensionDevelopmentPath=…, --extensionTestsPath=…, a folder),
// and it turns them into a code-server start plus a headless Chromium page with the matching test payload,
// then exits with the suite's exit code. Everything runs in the real extension host; output of the host
// (mocha's report) is printed here.
//   VSCODE_EXECUTABLE=scripts/vscode/code-server-as-vscode.mjs npx vscode-test
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { prepareProfile, startCodeServer } from '../../test/integration/code-server.mjs';
import { runSuite, signalPaths } from '../../test/integration/workbench.mjs';
import { setupCodeServer } from './setup-code-server.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const developmentPath = option('extensionDevelopmentPath');
const testsPath = option('extensionTestsPath');
if (!developmentPath || !testsPath) {
  console.error('code-server-as-vscode: only test runs are supported (--extensionDevelopmentPath and --extensionTestsPath)');
  process.exit(2);
}
// The folder or workspace to open: the last argument that is not an option (or an option's value).
const valued = new Set(['--user-data-dir', '--extensions-dir', '--extensionDevelopmentPath', '--extensionTestsPath', '--locale']);
const positional = args.filter((a, i) => !a.startsWith('-') && !valued.has(args[i - 1]));
const folder = positional.length ? resolve(positional[positional.length - 1]) : undefined;

const codeServer = setupCodeServer({ quiet: true });
const scratch = mkdtempSync(join(tmpdir(), 'gradlens-as-vscode-'));
const profile = prepareProfile({ codeServer, scratch });
const server = await startCodeServer({
  codeServer,
  scratch,
  folder: folder ?? scratch,
  ...profile,
  // test-electron always disables Workspace Trust; so does this stand-in.
  trust: true,
  env: {},
});
let code = 1;
try {
  code = await runSuite({
    server,
    folder: folder ?? scratch,
    isWorkspaceFile: folder?.endsWith('.code-workspace') ?? false,
    developmentPath: resolve(developmentPath),
    testsPath: resolve(testsPath),
    scratch,
    signals: signalPaths(scratch),
    timeoutMs: Number(process.env.GRADLENS_SUITE_TIMEOUT_MS ?? 600_000),
    onLog: (line) => console.log(line),
  });
} finally {
  await server.stop();
  if (code === 0) rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
