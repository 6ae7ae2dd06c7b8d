// Expands the paths given on the command line (files, folders, globs) into model files that declare checks.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { glob } from 'tinyglobby';
import { scanDeclarations } from '../discovery';

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'out', '.git', '.vscode-test', '.gradlens']);

function walk(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') && entry.name !== '.') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(full, out);
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
}

export interface FoundFiles {
  /** Files with at least one declaration, sorted. */
  files: string[];
  /** Arguments that matched nothing. */
  missing: string[];
}

/** Cheap text test first, then a parse: only files that really declare fn/layer/model checks are kept. */
export function declaresChecks(file: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  if (!/['"]gradlens['"]/.test(text)) return false;
  try {
    return scanDeclarations(file, text).length > 0;
  } catch {
    return true;
  }
}

export async function findModelFiles(args: string[], cwd = process.cwd()): Promise<FoundFiles> {
  const candidates = new Set<string>();
  const explicit = new Set<string>();
  const missing: string[] = [];
  for (const arg of args.length ? args : ['.']) {
    const full = path.resolve(cwd, arg);
    if (fs.existsSync(full)) {
      if (fs.statSync(full).isDirectory()) {
        const found: string[] = [];
        walk(full, found);
        found.forEach((f) => candidates.add(f));
      } else {
        candidates.add(full);
        explicit.add(full);
      }
      continue;
    }
    const matches = await glob(arg, { cwd, absolute: true, ignore: ['**/node_modules/**', '**/dist/**'] });
    if (!matches.length) missing.push(arg);
    matches.filter((m) => SOURCE.test(m)).forEach((m) => candidates.add(path.resolve(m)));
  }
  // A file named explicitly is checked even without declarations: that itself is worth reporting.
  const files = [...candidates].filter((f) => explicit.has(f) || declaresChecks(f)).sort();
  return { files, missing };
}
