// Records every access the permission model refuses to checked code, also when that code catches the error:
// a submission that tries to read another student's folder and swallows the ERR_ACCESS_DENIED must still be
// seen trying. Wraps the file-system and child-process functions once, in the worker, before any user code loads.

// The modules themselves, not an `import * as` namespace: a bundler's namespace is a copy, and wrapping a copy
// would leave the functions user code calls untouched.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = require('node:child_process') as typeof import('node:child_process');

export type DenialKind = 'read' | 'write' | 'child-process' | 'symlink' | 'kill' | 'other';

export interface Denial {
  kind: DenialKind;
  /** What was called ('fs.readFileSync', 'child_process.spawn'). */
  call: string;
  /** The path or command it was refused for, when known. */
  resource?: string;
  /** The phase the worker was in ('load' while the module's top level ran). */
  phase?: string;
}

const MAX_RECORDED = 50;
let recorded: Denial[] = [];
let phaseOf: () => string | undefined = () => undefined;

function isDenied(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_ACCESS_DENIED';
}

const WRITES = /write|append|mkdir|rm|unlink|rename|copy|cp|truncate|chmod|chown|utimes|open|symlink|link|mkdtemp/i;

function kindOf(module: string, name: string, e: unknown): DenialKind {
  if (module === 'child_process') return 'child-process';
  if (/symlink|link/i.test(name)) return 'symlink';
  const permission = String((e as { permission?: unknown }).permission ?? '');
  if (/Write/i.test(permission)) return 'write';
  if (/Read/i.test(permission)) return 'read';
  if (/ChildProcess/i.test(permission)) return 'child-process';
  return WRITES.test(name) && !/read|stat|access|exists/i.test(name) ? 'write' : 'read';
}

function record(module: string, name: string, e: unknown, args: unknown[]): void {
  if (recorded.length >= MAX_RECORDED) return;
  const resource = (e as { resource?: unknown }).resource ?? (typeof args[0] === 'string' ? args[0] : args[0] instanceof URL ? args[0].pathname : undefined);
  const phase = phaseOf();
  recorded.push({
    kind: kindOf(module, name, e),
    call: `${module === 'child_process' ? 'child_process' : module}.${name}`,
    ...(typeof resource === 'string' ? { resource } : {}),
    ...(phase ? { phase } : {}),
  });
}

function wrap(target: Record<string, unknown>, module: string): void {
  for (const name of Object.keys(target)) {
    const original = target[name];
    if (typeof original !== 'function' || /^[A-Z]/.test(name) || name === 'promises') continue;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      // Callback APIs report a refusal through the callback.
      const last = args.length - 1;
      if (typeof args[last] === 'function') {
        const cb = args[last] as (...a: unknown[]) => unknown;
        args[last] = function (this: unknown, err: unknown, ...rest: unknown[]) {
          if (isDenied(err)) record(module, name, err, args);
          return cb.call(this, err, ...rest);
        };
      }
      try {
        const result = (original as (...a: unknown[]) => unknown).apply(this, args);
        if (result instanceof Promise) result.catch((err: unknown) => isDenied(err) && record(module, name, err, args));
        return result;
      } catch (err) {
        if (isDenied(err)) record(module, name, err, args);
        throw err;
      }
    };
    try {
      Object.defineProperty(target, name, { value: wrapped, writable: true, configurable: true, enumerable: true });
    } catch {
      // A frozen property: leave it.
    }
  }
}

let installed = false;

/** Wraps fs, fs.promises and child_process (once); `phase` names what the worker is running. */
export function installDenialRecorder(phase: () => string | undefined): void {
  phaseOf = phase;
  if (installed) return;
  installed = true;
  wrap(fs as unknown as Record<string, unknown>, 'fs');
  wrap(fs.promises as unknown as Record<string, unknown>, 'fs.promises');
  wrap(childProcess as unknown as Record<string, unknown>, 'child_process');
}

/** A refused signal to another process (the worker's own harden refuses process.kill, process._kill, process._debugProcess). */
export function recordKill(args: unknown[], call = 'process.kill'): void {
  if (recorded.length >= MAX_RECORDED) return;
  const phase = phaseOf();
  recorded.push({ kind: 'kill', call, ...(args.length ? { resource: `pid ${String(args[0])}` } : {}), ...(phase ? { phase } : {}) });
}

/** A refused access that no permission error reports (a worker thread, which would run outside the worker's hardening). */
export function recordDenial(denial: Omit<Denial, 'phase'>): void {
  if (recorded.length >= MAX_RECORDED) return;
  const phase = phaseOf();
  recorded.push({ ...denial, ...(phase ? { phase } : {}) });
}

/** The denials recorded since the last call. */
export function takeDenials(): Denial[] {
  const out = recorded;
  recorded = [];
  return out;
}
