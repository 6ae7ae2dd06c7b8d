// What a worker process can be asked to do: a registry of job types. The worker loads the job's bundle, then
// calls the handler registered for the job's `type` with the bundle's exports. Higher layers register their
// own handlers here (engine/worker-handlers.ts: the check pipeline; grade/worker-handlers.ts: the grader), and
// the worker's entry (worker-main.ts) imports those registrations, so the worker bundle contains them all.

export interface HandlerContext {
  /** The exports of the job's bundle (empty when the job has no bundle). */
  module: Record<string, unknown>;
  bundlePath?: string;
  /** Says what the user's code is about to run ('forward', 'backward'), so a time-out can name it. */
  phase(name: string): void;
  /** Streams an event to the pool's caller while the job runs (dropped once the job has answered). */
  emit(event: unknown): void;
}

export type Handler = (payload: unknown, ctx: HandlerContext) => unknown | Promise<unknown>;

const handlers = new Map<string, Handler>();

export function registerHandler(type: string, handler: Handler): void {
  if (handlers.has(type)) throw new Error(`A worker handler for '${type}' is already registered`);
  handlers.set(type, handler);
}

export function getHandler(type: string): Handler | undefined {
  return handlers.get(type);
}

export function handlerTypes(): string[] {
  return [...handlers.keys()].sort();
}

/** Returns its payload: a round trip through the worker, for tests and for measuring the pool's overhead. */
registerHandler('echo', (payload) => payload);

export interface CallPayload {
  /** An exported function of the bundle. */
  export: string;
  args?: unknown[];
  /** Reported as the phase while the function runs (default: the export's name). */
  phase?: string;
}

/** Calls an exported function of the bundle and returns its (awaited) result. */
registerHandler('call', async (payload, ctx) => {
  const { export: name, args = [], phase } = payload as CallPayload;
  const target = ctx.module[name];
  if (typeof target !== 'function') throw new TypeError(`The module has no exported function '${name}'`);
  ctx.phase(phase ?? name);
  return await (target as (...a: unknown[]) => unknown)(...args);
});
