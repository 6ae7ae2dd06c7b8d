// Finds where in the user's own code an error happened, from a V8 stack trace. Workers run with
// --enable-source-maps, so frames of user code already name the TS file and line; what is left is to skip the
// frames that are not the user's: node internals, node_modules, Gradlens itself and unmapped bundle code.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceRange } from '../report/types';

export interface StackFrame {
  file: string;
  /** 1-based, as V8 prints them. */
  line: number;
  column: number;
}

/**
 * Gradlens' own code: core/ and dist/ of the package. From sources this file is core/runner/stack.ts; bundled,
 * it is inside dist/*.js, whose source-mapped frames point back into core/.
 */
const PACKAGE_ROOT = path.extname(__filename) === '.ts' ? path.resolve(__dirname, '../..') : path.resolve(__dirname, '..');
const ENGINE_ROOTS = [path.join(PACKAGE_ROOT, 'core'), path.join(PACKAGE_ROOT, 'dist')];

/**
 * The first frame of `stack` in a user source file, as a zero-width 0-based range. With `userFiles` (absolute
 * paths) only those files count; without, any file that is not node's, a package's or Gradlens' own.
 */
export function userLocation(stack: string | undefined, userFiles?: string[]): SourceRange | undefined {
  if (!stack) return undefined;
  const wanted = userFiles ? new Set(userFiles.map((f) => path.resolve(f))) : undefined;
  for (const frame of parseStack(stack)) {
    if (wanted ? !wanted.has(frame.file) : !isUserFile(frame.file)) continue;
    const position = { line: frame.line - 1, column: Math.max(0, frame.column - 1) };
    return { file: frame.file, start: position, end: { ...position } };
  }
  return undefined;
}

/** The frames of a V8 stack trace that carry a file position, in order (innermost first). */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const raw of stack.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('at ')) continue;
    const frame = parseFrame(line.slice(3));
    if (frame) frames.push(frame);
  }
  return frames;
}

/**
 * One frame's text after "at ": "fn (file:1:2)", "file:1:2", "async fn (file:1:2)", "new X (file:1:2)", or
 * an eval frame "eval (eval at f (file:1:2), <anonymous>:3:4)" (which points into generated code: skipped).
 */
function parseFrame(text: string): StackFrame | undefined {
  let location = text;
  if (text.endsWith(')')) {
    const open = text.indexOf(' (');
    if (open < 0) return undefined;
    location = text.slice(open + 2, -1);
  }
  if (location.startsWith('eval at ') || location.includes('<anonymous>')) return undefined;
  const match = /^(.*):(\d+):(\d+)$/.exec(location);
  if (!match) return undefined;
  const file = toPath(match[1]);
  if (!file) return undefined;
  return { file, line: Number(match[2]), column: Number(match[3]) };
}

function toPath(location: string): string | undefined {
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined;
    }
  }
  // node:internal/..., native, wasm://, data: and other non-file locations.
  if (!path.isAbsolute(location)) return undefined;
  return path.normalize(location);
}

function isUserFile(file: string): boolean {
  if (file.split(path.sep).includes('node_modules')) return false;
  if (ENGINE_ROOTS.some((root) => file.startsWith(root + path.sep))) return false;
  // Bundle code with no mapping back to a source (esbuild's helpers) keeps the bundle's own name.
  if (/[\\/]gradlens-cache[\\/][0-9a-f]{20}\.js$/.test(file)) return false;
  return true;
}
