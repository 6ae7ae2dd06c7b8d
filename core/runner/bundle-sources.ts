// The user's source files of a compiled bundle, read from its inline source map. A worker uses them to pick,
// from a stack trace, the first frame that is the user's own code (and not a bundled package's).

import * as fs from 'node:fs';
import * as path from 'node:path';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;

/** Absolute paths of the bundle's sources outside node_modules, or undefined when it has no inline map. */
export function bundleSources(bundlePath: string): string[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(bundlePath, 'utf8');
  } catch {
    return undefined;
  }
  // The map is the last line; only the tail needs a regex.
  const match = INLINE_MAP.exec(text.slice(text.lastIndexOf('//# sourceMappingURL=')));
  if (!match) return undefined;
  try {
    const map = JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')) as { sources?: unknown; sourceRoot?: unknown };
    if (!Array.isArray(map.sources)) return undefined;
    const root = path.resolve(path.dirname(bundlePath), typeof map.sourceRoot === 'string' ? map.sourceRoot : '');
    return map.sources
      .filter((source): source is string => typeof source === 'string' && !/^[a-z][a-z0-9+.-]+:/i.test(source))
      .map((source) => path.resolve(root, source))
      .filter((file) => !file.split(path.sep).includes('node_modules'));
  } catch {
    return undefined;
  }
}
