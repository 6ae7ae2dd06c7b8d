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

/**
 * Where an unbalanced '{' most likely is. A parser reports a missing '}' where the file (or the next declaration)
 * ends, far below the brace a student left open; indentation tells better: the '{' whose matching '}' (as the
 * parser pairs them) sits at a smaller indentation than the line that opened it is the one never closed.
 */
export function unclosedBrace(text: string): { line: number; column: number } | null {
  const lines = text.split('\n');
  const indent = (line: number) => /^[ \t]*/.exec(lines[line] ?? '')![0].replace(/\t/g, '    ').length;
  const stack: { line: number; column: number }[] = [];
  let line = 0;
  let column = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      column = 0;
      continue;
    }
    // Skip comments, strings and templates (a template's ${ } nesting is rare in a stray-brace file: treated plainly).
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i + 1] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 1;
      for (let k = i; k < stop; k++) {
        if (text[k] === '\n') {
          line++;
          column = 0;
        }
      }
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let k = i + 1;
      while (k < n && text[k] !== c && !(c !== '`' && text[k] === '\n')) k += text[k] === '\\' ? 2 : 1;
      for (let m = i; m < k && m < n; m++) {
        if (text[m] === '\n') {
          line++;
          column = 0;
        }
      }
      column += 1;
      i = k;
      continue;
    }
    if (c === '{') stack.push({ line, column });
    else if (c === '}') {
      const open = stack.pop();
      if (open && open.line !== line && indent(line) < indent(open.line)) return open;
    }
    column++;
  }
  // Never closed at all: the innermost open brace whose block holds a line indented no deeper than it.
  return stack.length ? stack[stack.length - 1] : null;
}

/** A compile error about a missing '}' (or a stray one) pointed at the brace indentation says is open. */
export function withBraceHint(finding: Finding, sources: (file: string) => string | undefined): Finding {
  const file = finding.location?.file;
  if (!file || !/expected|Unexpected|end of file/i.test(finding.message)) return finding;
  const text = sources(file);
  if (text === undefined) return finding;
  const open = unclosedBrace(text);
  if (!open || open.line >= finding.location!.start.line) return finding;
  return {
    ...finding,
    message: `${finding.message}: the '{' on line ${open.line + 1} is probably never closed (the parser noticed only at line ${finding.location!.start.line + 1})`,
    location: { file, start: open, end: { line: open.line, column: open.column + 1 } },
  };
}
