// `gradlens grade --gradescope-bundle autograder.zip`: the zip Gradescope builds its autograder image from.
// It holds the bundled CLI and worker, the assignment precompiled to one file (reference included: the zip
// is for instructors only, and submissions cannot read it under the permission model), a package.json for
// the two native dependencies, and Gradescope's two scripts.

import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ZipFile } from 'yazl';
import { compileModelFile } from '../runner/compile';
import { bundledWorkerScript } from './grader';

export interface BundleOptions {
  assignment: string;
  /** The zip to write. */
  out: string;
  /** The folder with the bundled cli.js and worker.js (default: next to the running CLI, or the repo's dist/). */
  distDir?: string;
}

export interface BundleResult {
  path: string;
  files: string[];
  bytes: number;
}

/** Installs Node 20 when the image lacks it, then esbuild (compiles submissions) and typescript. */
export function setupScript(nodeVersion: string): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root and with internet access, when it builds the autograder image.
set -euo pipefail
NODE_VERSION=${nodeVersion}
major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! command -v node >/dev/null 2>&1 || [ "$(major)" -lt 20 ]; then
  apt-get update
  apt-get install -y --no-install-recommends ca-certificates curl xz-utils
  curl -fsSL "https://nodejs.org/dist/v\${NODE_VERSION}/node-v\${NODE_VERSION}-linux-x64.tar.xz" | tar -xJ -C /usr/local --strip-components=1
fi
cd /autograder/source
npm install --omit=dev --no-audit --no-fund
node gradlens/cli.js --version
`;
}

/** Grades /autograder/submission into /autograder/results/results.json ($GRADLENS_AUTOGRADER_ROOT for local runs). */
export const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this for every submission. It writes \${root}/results/results.json; the grader's own
# output (this script's stdout) is for the instructor only.
set -uo pipefail
root="\${GRADLENS_AUTOGRADER_ROOT:-/autograder}"
cd "$root/source"
exec node gradlens/cli.js grade assignment.js --gradescope --no-progress
`;

function installedVersion(name: string): string {
  const manifest = require.resolve(`${name}/package.json`, { paths: [process.cwd(), __dirname] });
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export async function buildGradescopeBundle(options: BundleOptions): Promise<BundleResult> {
  const distDir = path.resolve(options.distDir ?? path.dirname(bundledWorkerScript()));
  const cli = path.join(distDir, 'cli.js');
  const worker = path.join(distDir, 'worker.js');
  for (const file of [cli, worker]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` in the Gradlens folder first`);
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'gradlens-bundle-'));
  try {
    const compiled = await compileModelFile(path.resolve(options.assignment), { cacheDir: scratch });
    if (!compiled.ok || !compiled.path) {
      throw new Error(`The assignment file does not compile:\n${compiled.findings.map((f) => f.message).join('\n')}`);
    }
    const zip = new ZipFile();
    const files: string[] = [];
    const add = (name: string, content: string | Buffer, mode = 0o644) => {
      zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name, { mode });
      files.push(name);
    };
    add('setup.sh', setupScript(process.versions.node), 0o755);
    add('run_autograder', RUN_AUTOGRADER, 0o755);
    add('assignment.js', readFileSync(compiled.path));
    for (const file of [cli, worker, `${cli}.map`, `${worker}.map`]) {
      if (existsSync(file) && statSync(file).isFile()) add(`gradlens/${path.basename(file)}`, readFileSync(file));
    }
    const manifest = {
      name: 'gradlens-autograder',
      private: true,
      description: `Gradescope autograder for ${path.basename(options.assignment)}, built by gradlens grade --gradescope-bundle`,
      dependencies: { esbuild: installedVersion('esbuild'), typescript: installedVersion('typescript') },
    };
    add('package.json', JSON.stringify(manifest, null, 2) + '\n');
    zip.end();
    const out = path.resolve(options.out);
    await new Promise<void>((resolve, reject) => {
      const stream = createWriteStream(out);
      zip.outputStream.pipe(stream).on('close', resolve).on('error', reject);
      zip.outputStream.on('error', reject);
    });
    return { path: out, files, bytes: statSync(out).size };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
