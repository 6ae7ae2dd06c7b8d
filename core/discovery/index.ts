// Static discovery: where Gradlens declarations are in a workspace file and which code produced each of
// their gradients, found with the TypeScript compiler API without running anything. Never throws on user
// code: whatever can be found in a file with syntax errors is returned.

import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { collectDeclarations } from './declarations';
import { ProgramCache } from './program';
import { filePathOf } from './ranges';
import { CheckerResolver, LocalResolver } from './resolver';
import type { DiscoveredDeclaration, DiscoveryResult } from './types';

export type { DiscoveredDeclaration, DiscoveryResult, ForwardProperty, GradientProperty, GradientSite } from './types';
export { findGradientSite } from './sites';

const programs = new ProgramCache();

/** The last result per root file, with the parsed files it was computed from (unchanged files → same objects). */
const results = new Map<string, { files: readonly ts.SourceFile[]; result: DiscoveryResult }>();
const MAX_CACHED_RESULTS = 64;

/**
 * Full discovery, following gradient functions into other files through imports. `text` overrides the
 * file's content on disk (an unsaved editor buffer). Parsed files and the previous program are cached.
 */
export function discoverDeclarations(file: string, options: { text?: string } = {}): DiscoveryResult {
  const absolute = path.resolve(file);
  try {
    const program = programs.program(absolute, options.text);
    const sourceFile = program.getSourceFile(absolute.split(path.sep).join('/'));
    if (!sourceFile) return { file: absolute, declarations: [], dependencies: [absolute] };
    const files = program.getSourceFiles();
    const previous = results.get(absolute);
    // Nothing this file depends on changed: the analysis would come out the same.
    if (previous && sameFiles(previous.files, files)) return structuredClone(previous.result);
    const declarations = collectDeclarations(sourceFile, new CheckerResolver(program.getTypeChecker()));
    const result = { file: absolute, declarations, dependencies: dependenciesOf(program, absolute) };
    results.delete(absolute);
    results.set(absolute, { files, result });
    if (results.size > MAX_CACHED_RESULTS) results.delete(results.keys().next().value as string);
    return structuredClone(result);
  } catch {
    // The compiler itself failed (an unreadable project config, a compiler bug): fall back to this file alone.
    const text = options.text ?? readText(absolute);
    return { file: absolute, declarations: text === undefined ? [] : scanDeclarations(absolute, text), dependencies: [absolute] };
  }
}

/**
 * Parse-only discovery of one file's text: declarations with their ranges and gradient functions, and the
 * gradient sites when the gradient function is in this file. Takes a few milliseconds (CodeLens calls it
 * on every keystroke).
 */
export function scanDeclarations(file: string, text: string): DiscoveredDeclaration[] {
  try {
    const sourceFile = ts.createSourceFile(path.resolve(file), text, ts.ScriptTarget.Latest, true);
    return collectDeclarations(sourceFile, new LocalResolver());
  } catch {
    return [];
  }
}

/** Forgets cached programs and parsed files (tests; an editor whose workspace was replaced). */
export function clearDiscoveryCache(): void {
  programs.clear();
  results.clear();
}

function sameFiles(a: readonly ts.SourceFile[], b: readonly ts.SourceFile[]): boolean {
  return a.length === b.length && a.every((file, i) => file === b[i]);
}

function dependenciesOf(program: ts.Program, root: string): string[] {
  const others = program
    .getSourceFiles()
    .map(filePathOf)
    .filter((f) => f !== root)
    .sort();
  return [root, ...others];
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
