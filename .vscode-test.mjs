// @vscode/test-cli configuration (`npx vscode-test`) for machines with a desktop VS Code: runs the same
// trusted-scenario suites as `npm run test:integration`, with Gradlens loaded from this folder as a
// development extension. Build first: `npm run build && node test/integration/build-suites.mjs`.
// Offline, point it at an installed VS Code with VSCODE_EXECUTABLE=/path/to/code (test-cli would otherwise
// download one); where there is none, scripts/vscode/code-server-as-vscode.mjs stands in for it (code-server
// plus headless Chromium): VSCODE_EXECUTABLE=$PWD/scripts/vscode/code-server-as-vscode.mjs npx vscode-test
// The restricted-mode suite runs only through test/integration/run.mjs: test-electron always passes
// --disable-workspace-trust.
import { defineConfig } from '@vscode/test-cli';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The suites edit files: they get a scratch copy of the examples.
const workspace = join(mkdtempSync(join(tmpdir(), 'gradlens-vscode-test-')), 'examples');
cpSync('examples', workspace, { recursive: true });

export default defineConfig({
  label: 'trusted',
  files: 'out/integration/trusted/*.test.js',
  extensionDevelopmentPath: '.',
  workspaceFolder: workspace,
  ...(process.env.VSCODE_EXECUTABLE ? { useInstallation: { fromPath: process.env.VSCODE_EXECUTABLE } } : { version: 'stable' }),
  launchArgs: ['--disable-extensions', '--skip-welcome', '--skip-release-notes'],
  env: { GRADLENS_E2E_REPO: process.cwd() },
  mocha: { ui: 'tdd', timeout: 120_000, color: true },
});
