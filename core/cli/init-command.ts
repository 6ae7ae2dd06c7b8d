// `gradlens init [dir]`: a starter declaration file, and the wiring that makes `import … from 'gradlens'`
// type-check in a workspace that has not installed the package (a copy of the contract's type declarations
// plus a tsconfig `paths` entry).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../util/files';

const STARTER = `// Gradlens checks the gradients your backward code returns against numerical derivatives of your forward
// code. Each exported fn / layer / model below is one check: run \`gradlens check\` or click "Check gradients".
import { layer, fn, randn } from 'gradlens';

/** out = x · W + b for x of shape [N, D], W of shape [D, M], b of shape [M]. dout and the cache are typed from forward. */
export const affine = layer({
  at: { x: randn([4, 3]), W: randn([3, 2]), b: randn([2]) },
  forward: ({ x, W, b }) => {
    const [N, D] = x.shape;
    const M = W.shape[1];
    const out = new Float64Array(N * M);
    for (let n = 0; n < N; n++)
      for (let m = 0; m < M; m++) {
        let s = b.data[m];
        for (let d = 0; d < D; d++) s += x.data[n * D + d] * W.data[d * M + m];
        out[n * M + m] = s;
      }
    return { data: out, shape: [N, M] };
  },
  backward: (dout, { x, W }) => {
    const [N, D] = x.shape;
    const M = W.shape[1];
    const dx = new Float64Array(N * D);
    const dW = new Float64Array(D * M);
    const db = new Float64Array(M);
    for (let n = 0; n < N; n++)
      for (let m = 0; m < M; m++) {
        const g = dout.data[n * M + m];
        db[m] += g;
        for (let d = 0; d < D; d++) {
          dx[n * D + d] += g * W.data[d * M + m];
          dW[d * M + m] += g * x.data[n * D + d];
        }
      }
    return { x: dx, W: dW, b: db };
  },
});

/** A scalar function: f(x) = Σ log(1 + exp(x_i)), the softplus sum. */
export const softplusSum = fn({
  at: { x: randn([5]) },
  f: ({ x }) => x.data.reduce((s, v) => s + Math.log1p(Math.exp(v)), 0),
  grad: ({ x }) => ({ x: x.data.map((v) => 1 / (1 + Math.exp(-v))) }),
});
`;

function typesSource(): string {
  // Bundled CLI: dist/cli.js with dist/types/ beside it; from sources: the repo's dist/types.
  const candidates = [path.join(__dirname, 'types'), path.join(__dirname, '..', '..', 'dist', 'types')];
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'index.d.ts')));
  if (!found) throw new Error(`the gradlens type declarations are missing (looked in ${candidates.join(', ')}); run npm run build`);
  return found;
}

function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyDir(src, dst);
    else if (entry.name.endsWith('.d.ts')) fs.copyFileSync(src, dst);
  }
}

/** Adds `paths: { gradlens: [...] }` to tsconfig.json, creating a minimal one when there is none. */
export async function wireTsconfig(dir: string, typesEntry: string): Promise<string> {
  const file = path.join(dir, 'tsconfig.json');
  let config: { compilerOptions?: Record<string, unknown> } = {
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, noEmit: true },
  };
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    try {
      config = JSON.parse(text);
    } catch {
      // tsconfig.json may have comments: edit it with typescript's own parser.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a tsconfig.json with comments
      const ts = require('typescript') as typeof import('typescript');
      const parsed = ts.parseConfigFileTextToJson(file, text);
      if (parsed.error) throw new Error(`cannot parse ${file}: ${ts.flattenDiagnosticMessageText(parsed.error.messageText, '\n')}`);
      config = parsed.config;
    }
  }
  const options = (config.compilerOptions ??= {});
  const paths = (options.paths as Record<string, string[]> | undefined) ?? {};
  paths.gradlens = [typesEntry];
  options.paths = paths;
  await writeFileAtomic(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}

/** Whether `gradlens` is installed where `dir` resolves packages (then its own types serve the import). */
export function installedIn(dir: string): boolean {
  // Looked up on disk as TypeScript does (require.resolve would find this very package when it runs the CLI).
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules', 'gradlens', 'package.json'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** A tsconfig.json for a folder that has none: strict, as homework should be, and resolving like a bundler. */
async function writeTsconfigIfMissing(dir: string): Promise<string | null> {
  const file = path.join(dir, 'tsconfig.json');
  if (fs.existsSync(file)) return null;
  const config = { compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, noEmit: true } };
  await writeFileAtomic(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}

export async function runInit(dir: string, options: { force?: boolean } = {}): Promise<string[]> {
  const root = path.resolve(dir);
  fs.mkdirSync(root, { recursive: true });
  const written: string[] = [];
  const starter = path.join(root, 'gradients.check.ts');
  if (!fs.existsSync(starter) || options.force) {
    await writeFileAtomic(starter, STARTER);
    written.push(starter);
  }
  if (installedIn(root)) {
    // The installed package's types resolve `import … from 'gradlens'`: no copy, no paths entry to go stale.
    const tsconfig = await writeTsconfigIfMissing(root);
    if (tsconfig) written.push(tsconfig);
    return written;
  }
  const typesDir = path.join(root, '.gradlens', 'types');
  copyDir(typesSource(), typesDir);
  written.push(typesDir);
  written.push(await wireTsconfig(root, './.gradlens/types/index.d.ts'));
  return written;
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description("write a starter declaration file and make `import … from 'gradlens'` type-check here")
    .argument('[dir]', 'workspace folder', '.')
    .option('--force', 'overwrite an existing starter file')
    .action(async (dir: string, flags: { force?: boolean }) => {
      const written = await runInit(dir, flags);
      for (const f of written) process.stdout.write(`wrote ${path.relative(process.cwd(), f) || f}\n`);
      if (!written.length) process.stdout.write('nothing to write: the starter file exists (--force overwrites it)\n');
      const where = path.relative(process.cwd(), path.resolve(dir));
      process.stdout.write(`next: npx gradlens check${where ? ` ${where}` : ''}\n`);
    });
}
