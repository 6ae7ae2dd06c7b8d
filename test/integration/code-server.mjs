// Starts and stops code-server (VS Code's server + workbench + Node extension host) for one test scenario:
// its own user data, extensions and config in a scratch folder, bound to loopback, in its own process group
// so that stopping it also stops the extension host and the engine's worker processes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Log lines of code-server that are expected on a machine without internet and say nothing about us. */
const NOISE = [/open-vsx\.org/, /vsda/, /ENOTFOUND|EAI_AGAIN|getaddrinfo/, /update\.code\.visualstudio\.com/, /marketplace/i];

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Prepares a scratch profile: user settings that keep the workbench quiet and deterministic, and the .vsix
 * installed into a private extensions folder.
 */
export function prepareProfile({ codeServer, scratch, vsix, settings = {} }) {
  const userData = join(scratch, 'user-data');
  const extensions = join(scratch, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'git.enabled': false,
        'typescript.tsserver.log': 'off',
        'typescript.disableAutomaticTypeAcquisition': true,
        'editor.codeLens': true,
        'window.zoomLevel': 0,
        ...settings,
      },
      null,
      2,
    ),
  );
  if (vsix) {
    const result = spawnSync(
      process.execPath,
      [join(codeServer, 'out/node/entry.js'), '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix],
      {
        encoding: 'utf8',
      },
    );
    if (result.status !== 0) throw new Error(`installing ${vsix} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return { userData, extensions };
}

export async function startCodeServer({ codeServer, scratch, folder, userData, extensions, trust, env = {} }) {
  const port = await freePort();
  const config = join(scratch, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    join(codeServer, 'out/node/entry.js'),
    '--config',
    config,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(trust ? ['--disable-workspace-trust'] : []),
    folder,
  ];
  const log = createWriteStream(join(scratch, 'code-server.log'));
  const childEnv = { ...process.env, ...env };
  // Variables of an enclosing VS Code (when the runner is started from its terminal) confuse the server.
  // VSCODE_TEST_* (test-cli's options for its runner) must reach the extension host.
  for (const key of Object.keys(childEnv))
    if ((key.startsWith('VSCODE_') && !key.startsWith('VSCODE_TEST_')) || key === 'ELECTRON_RUN_AS_NODE') delete childEnv[key];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      log.write(chunk);
      if (process.env.GRADLENS_E2E_VERBOSE) {
        for (const line of String(chunk).split('\n')) if (line.trim() && !NOISE.some((re) => re.test(line))) console.log(`  [server] ${line}`);
      }
    });
  }
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, exited);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      try {
        // The whole group: the server, its extension host and whatever the extension started.
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Gone after SIGTERM.
        }
      }, 2000).unref();
      log.end();
      return exited;
    },
  };
}

async function waitForHttp(url, timeoutMs, exited) {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  exited.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) throw new Error('code-server exited during startup (see code-server.log in the scratch folder)');
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs / 1000} s`);
}
