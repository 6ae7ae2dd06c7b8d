// Inside a worker, `import … from 'gradlens'` is core/runtime.ts (core/runner/worker-main.ts publishes it);
// elsewhere it is core/index.ts. Both must give a model file the same values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as index from '../../core/index';
import * as runtime from '../../core/runtime';

test("the worker's runtime has every value of the public entry, and nothing else", () => {
  assert.deepEqual(Object.keys(runtime).sort(), Object.keys(index).sort());
  for (const key of Object.keys(index)) assert.equal((runtime as Record<string, unknown>)[key], (index as Record<string, unknown>)[key], key);
});
