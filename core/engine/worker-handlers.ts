// The engine's jobs in a worker process: list a bundle's declarations, and check one (or one shard of one).

import { isDeclaration, type Declaration } from '../contract/declarations';
import { registerHandler } from '../runner/handlers';
import type { CheckOverrides } from './api';
import { runDeclarationCheck, type CheckJob, type PartialDelta } from './check';
import { countElements } from './inputs';
import type { Mode } from '../report/types';
import { onPhase } from './user-code';

export interface ListedDeclaration {
  name: string;
  kind: Declaration['kind'];
  /** The declaration's own time limit (ms), if it sets one. */
  timeLimit?: number;
  /** The mode it asks for. */
  mode?: Mode;
  /** Elements it would differentiate by default (for deciding whether to split it over workers). */
  elements?: number;
}

/** Counts the elements a check would differentiate, without running any of the user's code. */
function candidateElements(decl: Declaration): number | undefined {
  try {
    return decl.kind === 'model' ? countElements(decl.params, true) : countElements(decl.at, false);
  } catch {
    return undefined;
  }
}

export interface CheckPayload {
  exportName: string;
  overrides: CheckOverrides;
  job: CheckJob;
}

/** What a check job streams: progress of its evaluations, and deltas of what it measured. */
export type CheckEvent = { kind: 'progress'; stage: string; done: number; planned: number } | ({ kind: 'partial' } & PartialDelta);

registerHandler('list', (_payload, ctx): ListedDeclaration[] => {
  const out: ListedDeclaration[] = [];
  for (const [name, value] of Object.entries(ctx.module)) {
    if (!isDeclaration(value)) continue;
    // A malformed declaration is listed by name only; checking it reports what is wrong with it.
    if (value.problems?.length) {
      out.push({ name, kind: value.kind });
      continue;
    }
    const timeLimit = typeof value.timeLimit === 'number' && value.timeLimit > 0 ? value.timeLimit : undefined;
    const elements = candidateElements(value);
    out.push({
      name,
      kind: value.kind,
      ...(timeLimit ? { timeLimit } : {}),
      ...(value.mode ? { mode: value.mode } : {}),
      ...(elements !== undefined ? { elements } : {}),
    });
  }
  return out;
});

registerHandler('check', (payload, ctx) => {
  const { exportName, overrides, job } = payload as CheckPayload;
  const decl = ctx.module[exportName];
  if (!isDeclaration(decl)) throw new Error(`'${exportName}' is not a gradlens declaration`);
  onPhase((phase) => ctx.phase(phase));
  const emit = (event: CheckEvent) => ctx.emit(event);
  try {
    return runDeclarationCheck(decl, exportName, overrides, job, {
      progress: (stage, done, planned) => emit({ kind: 'progress', stage, done, planned }),
      partial: (delta) => emit({ kind: 'partial', ...delta }),
    });
  } finally {
    onPhase(undefined);
  }
});
