// The engine's jobs in a worker process: list a bundle's declarations, and check one (or one shard of one).

import { isDeclaration, type Declaration } from '../contract/declarations';
import { registerHandler } from '../runner/handlers';
import type { CheckOverrides } from './api';
import { runDeclarationCheck, type CheckShard } from './check';
import { onPhase } from './user-code';

export interface ListedDeclaration {
  name: string;
  kind: Declaration['kind'];
  /** The declaration's own time limit (ms), if it sets one. */
  timeLimit?: number;
}

export interface CheckPayload {
  exportName: string;
  overrides: CheckOverrides;
  shard: CheckShard;
}

registerHandler('list', (_payload, ctx): ListedDeclaration[] => {
  const out: ListedDeclaration[] = [];
  for (const [name, value] of Object.entries(ctx.module)) {
    if (!isDeclaration(value)) continue;
    const timeLimit = typeof value.timeLimit === 'number' && value.timeLimit > 0 ? value.timeLimit : undefined;
    out.push({ name, kind: value.kind, ...(timeLimit ? { timeLimit } : {}) });
  }
  return out;
});

registerHandler('check', (payload, ctx) => {
  const { exportName, overrides, shard } = payload as CheckPayload;
  const decl = ctx.module[exportName];
  if (!isDeclaration(decl)) throw new Error(`'${exportName}' is not a gradlens declaration`);
  onPhase((phase) => ctx.phase(phase));
  try {
    return runDeclarationCheck(decl, exportName, overrides, shard);
  } finally {
    onPhase(undefined);
  }
});
