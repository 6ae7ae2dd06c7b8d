// The on-disk cache of compiled bundles. Bundles are named by a hash of their content, so a name is never
// reused for different code: workers can keep a loaded bundle in their require cache for as long as they like,
// and an unchanged file compiles to the very same path (which is what keeps a warm worker warm).

import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../util/files';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DEFAULT_CACHE_DIR = path.join(os.tmpdir(), 'gradlens-cache');

/** Bundles not used for this long are removed the first time a process touches a cache dir. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
const BUNDLE_NAME = /^[0-9a-f]{20}\.js$/;
const prunedDirs = new Set<string>();

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 20);
}

/**
 * Stores `code` under its hash and returns the absolute path. An existing bundle is reused (and its mtime
 * refreshed so pruning keeps it); a new one is written to a temporary name and renamed, so a reader (another
 * editor window, a worker) never sees a half-written file.
 */
export async function storeBundle(cacheDir: string, hash: string, code: string): Promise<string> {
  const dir = path.resolve(cacheDir);
  const target = path.join(dir, `${hash}.js`);
  await fs.mkdir(dir, { recursive: true });
  pruneOnce(dir);
  try {
    const now = new Date();
    await fs.utimes(target, now, now);
    return target;
  } catch {
    // Not cached yet.
  }
  await writeFileAtomic(target, code);
  return target;
}

/** Removes stale bundles and abandoned temporary files, in the background, once per directory per process. */
function pruneOnce(dir: string): void {
  if (prunedDirs.has(dir)) return;
  prunedDirs.add(dir);
  void (async () => {
    const cutoff = Date.now() - MAX_AGE_MS;
    for (const name of await fs.readdir(dir)) {
      if (!BUNDLE_NAME.test(name) && !name.endsWith('.tmp')) continue;
      const file = path.join(dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && stat.mtimeMs < cutoff) await fs.rm(file, { force: true }).catch(() => undefined);
    }
  })().catch(() => undefined);
}
