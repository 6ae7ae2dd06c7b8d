// esbuild's messages as Gradlens findings. esbuild reports 1-based lines and 0-based columns counted in UTF-8
// bytes; editors (and our SourceRange) count UTF-16 code units, so columns are converted through the line's
// text: a line with "λ" or "∂" in it would otherwise put the squiggle in the wrong place.

import * as path from 'node:path';
import type { Message } from 'esbuild';
import type { Finding, SourceRange } from '../report/types';

/** UTF-16 column of a UTF-8 byte offset into `lineText`. */
export function byteToUtf16Column(lineText: string, byteColumn: number): number {
  const bytes = Buffer.from(lineText, 'utf8');
  if (byteColumn >= bytes.length) return lineText.length + (byteColumn - bytes.length);
  return bytes.subarray(0, byteColumn).toString('utf8').length;
}

/** The source range of an esbuild message, with `file` made absolute against the build's working dir. */
export function messageRange(message: Message, workingDir: string): SourceRange | undefined {
  const loc = message.location;
  if (!loc || !loc.file) return undefined;
  const file = path.resolve(workingDir, loc.file);
  const line = Math.max(0, loc.line - 1);
  const start = byteToUtf16Column(loc.lineText, loc.column);
  const end = byteToUtf16Column(loc.lineText, loc.column + loc.length);
  return { file, start: { line, column: start }, end: { line, column: end } };
}

export function compileFinding(message: Message, workingDir: string): Finding {
  const location = messageRange(message, workingDir);
  const notes = message.notes.map((note) => note.text).filter((text) => text.length > 0);
  const text = notes.length ? `${message.text} (${notes.join(' ')})` : message.text;
  return { severity: 'error', code: 'compile-error', message: text, ...(location ? { location } : {}) };
}

/** A compile failure that is not about a place in the code (a missing file, an unwritable cache dir). */
export function plainCompileFinding(message: string): Finding {
  return { severity: 'error', code: 'compile-error', message };
}
