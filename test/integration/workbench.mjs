// Opens the VS Code workbench of a running code-server in headless Chromium with a test payload, the way
// VS Code's own browser integration tests do: the workbench loads the development extension, runs the
// mocha suite (extensionTestsPath) in the real extension host and reports the exit code through
// codeAutomationExit. While the suite runs, it can ask the runner (through files in a signal folder) for
// what only the browser side can do: take a screenshot, or click "trust" in the Workspace Trust dialog.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format } from 'node:util';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const { chromium } = await import('playwright-core');

/** The same chromium and flags as the browser tier. */
const chromiumConfig = JSON.parse(readFileSync(new URL('../chromium.json', import.meta.url), 'utf8'));
/** Console noise of a workbench without internet (marketplace, telemetry, web workers' warnings). */
const NOISE = [
  /open-vsx/,
  /vsda/,
  /Failed to load resource/,
  /ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/,
  /marketplace/i,
  /\[Extension Host\] (debugger|Debugger)/,
];

/**
 * Runs one suite. Resolves with the exit code the workbench reported (0: every test passed), or 1 on a
 * time-out.
 */
export async function runSuite({ server, folder, isWorkspaceFile = false, developmentPath, testsPath, scratch, signals, timeoutMs, onLog = console.log }) {
  const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(developmentPath)],
    ['extensionTestsPath', remote(testsPath)],
  ];
  const url = `${server.url}/?${isWorkspaceFile ? 'workspace' : 'folder'}=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const context = await chromium.launchPersistentContext(join(scratch, 'chromium'), {
    executablePath: process.env.GRADLENS_CHROMIUM ?? chromiumConfig.executablePath,
    headless: true,
    args: chromiumConfig.args,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let settle;
  const exited = new Promise((resolve) => (settle = resolve));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    // The extension host forwards console calls with their printf-style arguments (mocha's reporters use them).
    const list = Array.isArray(args) ? args : [args];
    const text = typeof list[0] === 'string' ? format(...list) : list.map((a) => JSON.stringify(a)).join(' ');
    if (!NOISE.some((re) => re.test(text))) onLog(`  [${type}] ${text}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => settle(Number(code)));
  page.on('pageerror', (error) => onLog(`  [page error] ${error.message}`));
  if (process.env.GRADLENS_E2E_VERBOSE) page.on('console', (message) => onLog(`  [console.${message.type()}] ${message.text()}`));

  mkdirSync(signals, { recursive: true });
  let stopped = false;
  const serveRequests = async () => {
    while (!stopped) {
      for (const name of readdirSync(signals)) {
        if (!name.endsWith('.request.json')) continue;
        const file = join(signals, name);
        let request;
        try {
          request = JSON.parse(readFileSync(file, 'utf8'));
        } catch {
          continue; // caught mid-write by the test: read it on the next pass
        }
        renameSync(file, `${file}.taken`);
        let reply;
        try {
          reply = { ok: true, ...(await serve(page, request)) };
        } catch (error) {
          reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
        onLog(`  [runner] ${request.action}: ${reply.ok ? `done ${JSON.stringify({ ...reply, ok: undefined })}` : `failed: ${reply.error}`}`);
        writeFileSync(file.replace(/\.request\.json$/, '.reply.json'), JSON.stringify(reply));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const requests = serveRequests();

  await page.goto(url);
  const timer = setTimeout(() => {
    onLog(`  [runner] the suite did not finish within ${timeoutMs / 1000} s`);
    settle(1);
  }, timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  stopped = true;
  await requests;
  if (code !== 0) await page.screenshot({ path: join(scratch, 'failure.png') }).catch(() => undefined);
  await context.close();
  return code;
}

async function serve(page, request) {
  switch (request.action) {
    case 'screenshot': {
      mkdirSync(dirname(request.path), { recursive: true });
      // Let the editor paint the lenses and squiggles the test just waited for.
      await page.waitForTimeout(request.settleMs ?? 800);
      await page.screenshot({ path: request.path });
      return { path: request.path };
    }
    case 'trust':
      return grantTrust(page);
    case 'count': {
      // How many elements match a selector (and contain a text): lets a test check what is painted.
      const locator = page.locator(request.selector, request.text ? { hasText: request.text } : {});
      return { count: await locator.count() };
    }
    case 'webview': {
      // Like count, inside webviews (nested iframes, which page.locator does not enter); with `press`, focuses
      // the first match and presses those keys (the heatmap's keyboard path to "reveal the source").
      let count = 0;
      let first = null;
      for (const frame of page.frames()) {
        const locator = frame.locator(request.selector);
        const n = await locator.count().catch(() => 0);
        if (n && !first) first = locator.first();
        count += n;
      }
      if (first && request.press) {
        await first.focus();
        for (const key of request.press) await first.press(key);
      }
      return { count };
    }
    default:
      throw new Error(`unknown request ${request.action}`);
  }
}

/** Answers the Workspace Trust dialog with "trust", opening it through Manage Workspace Trust if needed. */
async function grantTrust(page) {
  const dialogButton = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Yes, I trust the authors' });
  if (await dialogButton.count()) {
    await dialogButton.first().click();
    return { via: 'dialog' };
  }
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('>Workspaces: Manage Workspace Trust');
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().click();
  const trustButton = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust( Folder)?$/ });
  await trustButton.first().click({ timeout: 10_000 });
  return { via: 'trust editor' };
}

export function signalPaths(scratch) {
  const signals = join(scratch, 'signals');
  if (!existsSync(signals)) mkdirSync(signals, { recursive: true });
  return signals;
}
