// SourceRange from AST nodes: 0-based lines and UTF-16 columns (as VS Code counts them), absolute paths.

import path from 'node:path';
import ts from 'typescript';
import type { SourceRange } from '../report/types';

/** The OS path of a source file (TypeScript keeps forward slashes internally, even on Windows). */
export function filePathOf(sourceFile: ts.SourceFile): string {
  return path.resolve(sourceFile.fileName);
}

/** The range a node covers, without its leading comments and whitespace. */
export function rangeOf(node: ts.Node): SourceRange {
  const sourceFile = node.getSourceFile();
  const start = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  const end = sourceFile.getLineAndCharacterOfPosition(node.getEnd());
  return {
    file: filePathOf(sourceFile),
    start: { line: start.line, column: start.character },
    end: { line: end.line, column: end.character },
  };
}
