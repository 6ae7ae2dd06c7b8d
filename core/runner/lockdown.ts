// Keeps the checker's arithmetic out of reach of the code it checks. Workers run user code in their own process,
// next to the checker: code that replaces Math.sqrt, Object.keys or Array.prototype.push would otherwise change
// the checker's own computations, for this file and for every file the pooled worker checks after it (false
// passes, dropped declarations, internal errors). Before any user code loads, lockIntrinsics() makes the existing
// properties of the built-ins the checker relies on non-writable and non-configurable (not frozen: code may still
// ADD helpers such as Array.prototype.sum), and takes a snapshot of what additions could still matter (new
// properties on Object.prototype, Array.prototype and Function.prototype, new or replaced globals), which
// environmentChanges() compares against after the code ran. Non-writable data properties keep V8's fast paths.

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

/** Globals whose binding is locked (and whose objects are locked below). */
const LOCKED_GLOBALS = [
  'Object',
  'Function',
  'Array',
  'Number',
  'String',
  'Boolean',
  'Symbol',
  'Math',
  'JSON',
  'Reflect',
  'Promise',
  'Map',
  'Set',
  'WeakMap',
  ...TYPED_ARRAYS,
];

/** What the runtime itself assigns after startup: Math.random is replayed from a seed in every evaluation (core/engine/user-code.ts). */
const KEPT_WRITABLE: Record<string, ReadonlySet<PropertyKey>> = { Math: new Set(['random']) };

/**
 * Properties that ordinary code assigns on its OWN objects (`Child.prototype.constructor = Child`, `obj.toString =
 * …`): a non-writable property on a prototype would make such an assignment fail (the "override mistake"). These
 * become accessors that define the property on the object assigned to, and refuse only an assignment to the
 * built-in prototype itself.
 */
const OVERRIDABLE: Record<string, ReadonlySet<PropertyKey>> = {
  'Object.prototype': new Set(['constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty']),
  'Function.prototype': new Set(['toString']),
  'Promise.prototype': new Set(['constructor']),
};

/** Prototypes whose additions are reported (every object, array or function the checker reads inherits them). */
const WATCHED_PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
];

/** Property name → the locked built-ins that have it ('sqrt' → ['Math']), to explain a refused assignment. */
const lockedOwners = new Map<string, string[]>();

interface Snapshot {
  prototypes: Map<string, Set<PropertyKey>>;
  globals: Map<PropertyKey, PropertyDescriptor>;
}

let snapshot: Snapshot | undefined;

function lockedObjects(): [string, object][] {
  const g = globalThis as unknown as Record<string, object>;
  const typedArray = Object.getPrototypeOf(Float64Array) as object & { prototype: object };
  const out: [string, object][] = [
    ['Math', Math],
    ['JSON', JSON],
    ['Reflect', Reflect],
    ['Object', Object],
    ['Object.prototype', Object.prototype],
    ['Function.prototype', Function.prototype],
    ['Array', Array],
    ['Array.prototype', Array.prototype],
    ['Number', Number],
    ['Number.prototype', Number.prototype],
    ['String', String],
    ['String.prototype', String.prototype],
    ['Boolean.prototype', Boolean.prototype],
    ['Symbol', Symbol],
    ['Promise', Promise],
    ['Promise.prototype', Promise.prototype],
    ['Map', Map],
    ['Map.prototype', Map.prototype],
    ['Set', Set],
    ['Set.prototype', Set.prototype],
    ['WeakMap', WeakMap],
    ['WeakMap.prototype', WeakMap.prototype],
    ['TypedArray', typedArray],
    ['TypedArray.prototype', typedArray.prototype],
  ];
  for (const name of TYPED_ARRAYS) {
    const ctor = g[name] as (object & { prototype: object }) | undefined;
    if (!ctor) continue;
    out.push([name, ctor], [`${name}.prototype`, ctor.prototype]);
  }
  return out;
}

function keyName(key: PropertyKey): string {
  return typeof key === 'symbol' ? `[${key.description ?? 'symbol'}]` : String(key);
}

/** "Gradlens keeps Math.sqrt fixed …": the sentence added to a refused assignment. */
export function lockedMessage(what: string): string {
  return `Gradlens keeps ${what} fixed while it checks, so that checked code cannot change the checker's own arithmetic (Math, Object, Array, the typed arrays and their prototypes are locked; adding new helpers is fine): use a function of your own instead`;
}

function lockProperty(owner: string, target: object, key: PropertyKey): void {
  const desc = Object.getOwnPropertyDescriptor(target, key);
  if (!desc || !desc.configurable) return;
  if (KEPT_WRITABLE[owner]?.has(key)) return;
  if (typeof key === 'string') {
    const owners = lockedOwners.get(key) ?? [];
    owners.push(owner);
    lockedOwners.set(key, owners);
  }
  if (!('value' in desc)) {
    Object.defineProperty(target, key, { configurable: false });
    return;
  }
  if (OVERRIDABLE[owner]?.has(key) && desc.writable) {
    const value: unknown = desc.value;
    const what = `${owner}.${keyName(key)}`;
    Object.defineProperty(target, key, {
      get: function () {
        return value;
      },
      set: function (this: unknown, next: unknown) {
        if (this === target) throw new TypeError(`Cannot assign to read only property '${keyName(key)}' of ${owner}: ${lockedMessage(what)}`);
        if (typeof this !== 'object' && typeof this !== 'function') return;
        if (this === null) return;
        Object.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
      },
      enumerable: desc.enumerable,
      configurable: false,
    });
    return;
  }
  Object.defineProperty(target, key, { writable: false, configurable: false });
}

/**
 * Redefining many properties turns an object's map into a dictionary: `Math.sqrt` is then a hash lookup that the
 * optimizing compiler no longer inlines (a Math-heavy loop ran 2–3× slower). An object used as a prototype gets
 * fast properties again, as V8 makes prototypes fast on first use.
 */
function keepFast(target: object): void {
  function Fast(this: unknown): void {}
  Fast.prototype = target;
  // Creating an instance and reading through it is the first use that makes V8 optimize the prototype's map.
  const instance = new (Fast as unknown as new () => Record<PropertyKey, unknown>)();
  void instance.__gradlensAbsent;
}

/**
 * Locks the built-ins and takes the snapshot. Call once per process, after the worker has set up everything it
 * assigns later (its runtime global, the watchdog thread) and before any user code loads.
 */
export function lockIntrinsics(): void {
  if (snapshot) return;
  for (const [owner, target] of lockedObjects()) {
    for (const key of Reflect.ownKeys(target)) lockProperty(owner, target, key);
    keepFast(target);
  }
  for (const name of LOCKED_GLOBALS) {
    const desc = Object.getOwnPropertyDescriptor(globalThis, name);
    if (desc && desc.configurable && 'value' in desc) Object.defineProperty(globalThis, name, { writable: false, configurable: false });
    const owners = lockedOwners.get(name) ?? [];
    owners.push('globalThis');
    lockedOwners.set(name, owners);
  }
  snapshot = takeSnapshot();
}

function takeSnapshot(): Snapshot {
  const prototypes = new Map<string, Set<PropertyKey>>();
  for (const [name, proto] of WATCHED_PROTOTYPES) prototypes.set(name, new Set(Reflect.ownKeys(proto)));
  const globals = new Map<PropertyKey, PropertyDescriptor>();
  for (const key of Reflect.ownKeys(globalThis)) {
    const desc = Object.getOwnPropertyDescriptor(globalThis, key);
    if (desc) globals.set(key, desc);
  }
  return { prototypes, globals };
}

export interface EnvironmentChange {
  /** 'Object.prototype', 'Array.prototype', 'Function.prototype' or 'globalThis'. */
  owner: string;
  key: string;
  /** A new property, or a global whose value was replaced (or that was deleted). */
  how: 'added' | 'replaced' | 'deleted';
}

/** What the code changed since lockIntrinsics() (empty before it ran, or when nothing changed). */
export function environmentChanges(): EnvironmentChange[] {
  if (!snapshot) return [];
  const changes: EnvironmentChange[] = [];
  for (const [name, proto] of WATCHED_PROTOTYPES) {
    const known = snapshot.prototypes.get(name)!;
    for (const key of Reflect.ownKeys(proto)) if (!known.has(key)) changes.push({ owner: name, key: keyName(key), how: 'added' });
  }
  for (const key of Reflect.ownKeys(globalThis)) {
    const before = snapshot.globals.get(key);
    const now = Object.getOwnPropertyDescriptor(globalThis, key);
    if (!now) continue;
    if (!before) changes.push({ owner: 'globalThis', key: keyName(key), how: 'added' });
    else if (!Object.is(before.value, now.value) || before.get !== now.get || before.set !== now.set)
      changes.push({ owner: 'globalThis', key: keyName(key), how: 'replaced' });
  }
  for (const key of snapshot.globals.keys()) {
    if (!Object.getOwnPropertyDescriptor(globalThis, key)) changes.push({ owner: 'globalThis', key: keyName(key), how: 'deleted' });
  }
  return changes;
}

/** Whether a change can alter what the checker computes for any object it reads (not only arrays or functions). */
export function changeTouchesEveryObject(change: EnvironmentChange): boolean {
  return change.owner === 'Object.prototype';
}

/** One sentence for the report: what the code changed, and what that means for this result. */
export function describeChanges(changes: EnvironmentChange[], phase: 'load' | 'run'): string {
  const shown = changes
    .slice(0, 4)
    .map((c) =>
      c.owner === 'globalThis'
        ? `${c.how === 'added' ? 'creates' : c.how === 'replaced' ? 'replaces' : 'deletes'} the global '${c.key}'`
        : `adds '${c.key}' to ${c.owner}`,
    );
  const more = changes.length > 4 ? `, and ${changes.length - 4} more` : '';
  const when = phase === 'load' ? 'when it loads' : 'while it runs';
  const everyObject = changes.some(changeTouchesEveryObject);
  const consequence = everyObject
    ? 'every object the checker reads inherits what is added to Object.prototype, so this result cannot be trusted: define a function, or a property of your own objects, instead'
    : 'Gradlens checked it anyway and will not reuse this worker process for other code (an undeclared variable assigned without let/const also creates a global)';
  return `The code ${shown.join(', ')}${more} ${when}: ${consequence}`;
}

/** Names too common on the code's own objects to blame a built-in for. */
const GENERIC_KEYS = new Set(['length', 'name', 'prototype', 'constructor', 'caller', 'arguments', 'message', 'size']);

const LOCKED_ERROR = /Cannot assign to read only property '([^']+)' of|Cannot delete property '([^']+)' of|Cannot redefine property: (\S+)/;

/** A TypeError from an assignment to a locked built-in, said with why (other messages unchanged). */
export function explainLockedError(message: string): string {
  if (message.includes('Gradlens keeps')) return message;
  const match = LOCKED_ERROR.exec(message);
  const key = match?.[1] ?? match?.[2] ?? match?.[3];
  if (key === undefined || GENERIC_KEYS.has(key)) return message;
  const owners = lockedOwners.get(key);
  if (!owners?.length) return message;
  const what = owners.length === 1 ? (owners[0] === 'globalThis' ? `the global ${key}` : `${owners[0]}.${key}`) : `the built-in '${key}'`;
  return `${message} (${lockedMessage(what)})`;
}

const ASSIGNMENT = /\b([A-Z][A-Za-z0-9]*(?:\.prototype)?)\.([A-Za-z_$][\w$]*)\s*=(?![=>])/g;
const SECTION = /^\/\/ (\S+)$/;

/**
 * Built-ins the bundle's own code (not its packages') assigns, such as `Math.sqrt = …`: in sloppy code the
 * assignment to a locked property silently does nothing, so the report says so. A plain scan of the text, once
 * per loaded bundle.
 */
export function lockedAssignments(bundleText: string): string[] {
  const found = new Set<string>();
  let userSection = true;
  for (const line of bundleText.split('\n')) {
    const section = SECTION.exec(line);
    if (section) userSection = !section[1].split('/').includes('node_modules');
    if (!userSection || !line.includes('=')) continue;
    for (const match of line.matchAll(ASSIGNMENT)) {
      const [, owner, key] = match;
      if (lockedOwners.get(key)?.includes(owner) && !GENERIC_KEYS.has(key) && !KEPT_WRITABLE[owner]?.has(key)) found.add(`${owner}.${key}`);
    }
  }
  return [...found];
}

/** The report's sentence for lockedAssignments(). */
export function describeLockedAssignments(names: string[]): string {
  const shown = names.slice(0, 4).join(', ') + (names.length > 4 ? `, and ${names.length - 4} more` : '');
  return `The code assigns ${shown}, which had no effect (in strict code it throws): ${lockedMessage(names.length === 1 ? names[0] : 'these built-ins')}`;
}
