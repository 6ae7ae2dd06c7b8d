// Malformed declarations through the engine: each is a finding on itself (bad-declaration, or a time-out of its
// own inputs), the file loads, and the declarations around them are checked as usual.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Engine } from '../../core/engine/engine';

const engine = new Engine({ workers: 1, memoryLimitMb: 400 });
after(() => engine.dispose());

test('one malformed declaration does not hide the others in its file', async () => {
  const started = Date.now();
  const result = await engine.checkFile({ file: path.resolve(__dirname, '../fixtures/engine/malformed.ts') });
  assert.deepEqual(result.findings, [], 'the file itself loads');
  const by = new Map(result.declarations.map((d) => [d.name, d]));
  assert.equal(by.get('before')?.status, 'pass');
  assert.equal(by.get('after')?.status, 'fail');
  const bad = (name: string, pattern: RegExp) => {
    const d = by.get(name)!;
    assert.equal(d.status, 'error', name);
    assert.equal(d.findings[0]?.code, 'bad-declaration', `${name}: ${d.summary}`);
    assert.match(d.summary, pattern);
  };
  bad('unknownKey', /does not know 'forwrd'/);
  bad('notAnObject', /fn\(\) takes an object, got null/);
  bad('badOptions', /tolerance must be .* got 'loose'/);
  assert.match(
    by
      .get('badOptions')!
      .findings.map((f) => f.message)
      .join('\n'),
    /timeLimit must be a positive number of milliseconds, got -5/,
  );
  bad('negativeShape', /randn\(\): a shape is an array of non-negative integers, got \[-3\]/);
  const looping = by.get('loopingInputs')!;
  assert.equal(looping.findings[0]?.code, 'timeout', looping.summary);
  // Listing the file runs none of the declarations' input functions: only the 1.5 s of loopingInputs is spent.
  assert.ok(Date.now() - started < 15_000, `${Date.now() - started} ms`);
});
