// How Gradlens calls a user's function: the way it is declared. Homework is written positionally —
// affineForward(x, w, b), softmaxLoss(x, y) — while Gradlens's own contract passes one object of named inputs
// (forward({ x, w, b }, ctx)). The function's own parameter list decides: parameters named like the inputs are
// passed those inputs in that order; a destructured or otherwise named first parameter gets the object. An
// explicit argument order (`args: ['x', 'w', 'b']`) overrides both.

/** One parameter as written in the function's source. */
export interface ParamInfo {
  /** The name, or null for a destructured parameter ({ x, w } or [a, b]). */
  name: string | null;
  destructured: boolean;
  rest: boolean;
  defaulted: boolean;
}

/** How a function will be called, and how to say it in a message. */
export interface CallPlan {
  style: 'object' | 'positional';
  /** Input names passed positionally, in order (positional style). */
  args: string[];
  /** Whether ctx is passed after the arguments (object style always; positional when a parameter is named ctx). */
  passCtx: boolean;
  /** "affineForward(x, w, b)" or "forward(inputs, ctx)". */
  signature: string;
}

const CTX_NAMES = new Set(['ctx', 'context', 'gradlensCtx']);

/** The parameter list of a function, read from its source (esbuild keeps parameter names). */
export function parameterList(fn: (...args: never[]) => unknown): ParamInfo[] {
  let src: string;
  try {
    src = Function.prototype.toString.call(fn);
  } catch {
    return [];
  }
  const inner = paramSource(src);
  if (inner === null) return [];
  return splitTopLevel(inner)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const rest = p.startsWith('...');
      const body = rest ? p.slice(3).trim() : p;
      const destructured = body.startsWith('{') || body.startsWith('[');
      const eq = topLevelIndex(body, '=');
      const head = (eq >= 0 ? body.slice(0, eq) : body).trim();
      return { name: destructured ? null : head.replace(/\s+/g, '') || null, destructured, rest, defaulted: eq >= 0 };
    });
}

/** The text between a function's parameter parentheses (or an arrow's single bare parameter). */
function paramSource(src: string): string | null {
  const s = stripComments(src).trim();
  // `x => …` and `async x => …`: one bare parameter.
  const bare = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(s);
  if (bare) return bare[1];
  const open = s.indexOf('(');
  if (open < 0) return null;
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(s, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return s.slice(open + 1, i);
    }
  }
  return null;
}

function stripComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

function skipString(s: string, at: number): number {
  const quote = s[at];
  for (let i = at + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === quote) return i;
  }
  return s.length;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(s, i);
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function topLevelIndex(s: string, ch: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(s, i);
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ch && depth === 0 && s[i + 1] !== '>' && s[i + 1] !== '=' && s[i - 1] !== '=' && s[i - 1] !== '!' && s[i - 1] !== '<' && s[i - 1] !== '>')
      return i;
  }
  return -1;
}

/** The input a parameter name stands for: exact, then ignoring case ('W' for w). */
function matchInput(param: string, inputs: string[]): string | undefined {
  return inputs.find((n) => n === param) ?? inputs.find((n) => n.toLowerCase() === param.toLowerCase());
}

/**
 * Decides how to call `fn` with the named inputs. `objectArgs` names what the object style passes ('inputs', or
 * 'params, data' for a model) for the signature shown in messages.
 */
export function planCall(fn: (...args: never[]) => unknown, fnName: string, inputs: string[], explicit: string[] | undefined, objectArgs: string): CallPlan {
  const params = parameterList(fn);
  const ctxAfter = (at: number) => params[at]?.name !== null && params[at] !== undefined && CTX_NAMES.has(params[at].name!);
  if (explicit?.length) {
    return { style: 'positional', args: explicit, passCtx: ctxAfter(explicit.length), signature: `${fnName}(${explicit.join(', ')})` };
  }
  const objectPlan: CallPlan = { style: 'object', args: [], passCtx: true, signature: `${fnName}(${objectArgs}, ctx)` };
  if (!params.length || params[0].destructured || params[0].rest) return objectPlan;
  const args: string[] = [];
  let i = 0;
  for (; i < params.length; i++) {
    const p = params[i];
    if (p.destructured || p.rest || p.name === null) break;
    const hit = matchInput(p.name, inputs);
    if (!hit || args.includes(hit)) break;
    args.push(hit);
  }
  if (!args.length) return objectPlan;
  // What follows the matched parameters may only be ctx or parameters with defaults (eps = 1e-5).
  const restOk = params.slice(i).every((p, k) => (k === 0 && p.name !== null && CTX_NAMES.has(p.name)) || p.defaulted || p.rest);
  if (!restOk) return objectPlan;
  return { style: 'positional', args, passCtx: ctxAfter(i), signature: `${fnName}(${args.join(', ')}${ctxAfter(i) ? ', ctx' : ''})` };
}

/** Calls `fn` as planned: `objectArgs` for the object style, the named values in order for the positional one. */
export function callPlanned(
  plan: CallPlan,
  fn: (...args: unknown[]) => unknown,
  values: Record<string, unknown>,
  objectArgs: unknown[],
  ctx: unknown,
): unknown {
  if (plan.style === 'object') return fn(...objectArgs, ctx);
  const args = plan.args.map((name) => values[name]);
  return plan.passCtx ? fn(...args, ctx) : fn(...args);
}
