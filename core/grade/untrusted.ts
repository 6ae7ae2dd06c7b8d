// What a submission's process sends back is bounded here, once, where it enters the trusted side: every string
// is capped (a 5 MB error message must not become 80 MB of gradebook, JUnit and JSON), and lists of findings
// and refusals are shortened. Numbers and typed arrays pass untouched: the plan already fixes their sizes.

import type { JobOutcome } from '../runner/pool';

/** The longest text kept from a student's process (a message, a path, a name). */
export const MAX_TEXT = 2000;
/** The most entries kept in a list of findings, refusals or missing exports. */
const MAX_LIST = 50;
/** Arrays up to this length are walked by index. */
const DENSE_LIMIT = 1_000_000;
const LISTS = new Set(['findings', 'denials', 'missing']);

/** `text` cut to `max` characters, saying how much was cut. */
export function capText(text: string, max = MAX_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * Caps every string in `value` in place and returns it. Iterative, so a deeply nested reply cannot overflow the
 * grader's stack; keys longer than MAX_TEXT are dropped with their values (no trusted code reads such a key).
 */
export function boundStrings<T>(value: T): T {
  const pending: unknown[] = [value];
  const seen = new Set<object>();
  while (pending.length) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node) || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const i of arrayIndices(node)) {
        const child: unknown = node[i];
        if (typeof child === 'string') node[i] = capText(child);
        else if (typeof child === 'object' && child !== null) pending.push(child);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key.length > MAX_TEXT) {
        delete record[key];
        continue;
      }
      const child = record[key];
      if (typeof child === 'string') record[key] = capText(child);
      else if (typeof child === 'object' && child !== null) {
        if (LISTS.has(key) && Array.isArray(child) && child.length > MAX_LIST) child.length = MAX_LIST;
        pending.push(child);
      }
    }
  }
  return value;
}

/**
 * The indices of an array: by counting when it is of a plausible length (the raw numbers of a check are long
 * dense arrays, and listing their keys is slow), else its own keys (a sparse array of length 2^32 − 1 survives
 * structured clone, and counting to its length would take minutes).
 */
function* arrayIndices(array: unknown[]): Generator<number> {
  if (array.length <= DENSE_LIMIT) for (let i = 0; i < array.length; i++) yield i;
  else for (const key in array) if (/^\d+$/.test(key)) yield Number(key);
}

/** A job's outcome with everything the student's process could have written bounded. */
export function boundOutcome<T>(outcome: JobOutcome<T>): JobOutcome<T> {
  if (outcome.ok) {
    const result = typeof outcome.result === 'string' ? (capText(outcome.result) as T) : boundStrings(outcome.result);
    return { ...outcome, result };
  }
  return {
    ...outcome,
    message: capText(outcome.message),
    ...(outcome.phase !== undefined ? { phase: capText(outcome.phase, 200) } : {}),
    ...(outcome.stack !== undefined ? { stack: capText(outcome.stack, 2 * MAX_TEXT) } : {}),
    ...(outcome.location ? { location: boundStrings({ ...outcome.location }) } : {}),
  };
}
