// The contract's types under a strict tsc, as a user's project compiles them: `backward`'s dout and cache are
// typed from what `forward` returns (no implicit any, no annotations needed), and a wrong use of them is an error.
// Each `@ts-expect-error` below must meet an error: were dout or cache `any`, tsc would report it unused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');

const USER_FILE = `
import { fn, layer, model, randn, randint } from 'gradlens';

type T = { data: Float64Array; shape: number[] };
const twice = (t: T): T => ({ data: t.data.map((v) => 2 * v), shape: t.shape });

// { out, cache }: dout is the output's type, cache the cache's.
export const withCache = layer({
  at: { x: randn([4, 3]), p: 0.5 },
  forward: ({ x, p }, ctx) => ({ out: twice(x), cache: { x, p, mask: [ctx.random()] } }),
  backward: (dout, cache) => {
    const n: number = dout.data.length + cache.mask.length + cache.p;
    // @ts-expect-error dout is T
    const wrong: string = dout;
    // @ts-expect-error the cache has no y
    void cache.y;
    return { x: dout.data.map((v) => v * n) };
  },
});

// No explicit cache: the cache is the inputs.
export const inputsAsCache = layer({
  at: { x: randn([4, 3], { nested: true }) },
  forward: ({ x }) => x.map((row) => row.map((v) => 2 * v)),
  backward: (dout, { x }) => {
    const rows: number = x.length + dout.length;
    // @ts-expect-error dout is number[][]
    const wrong: number[] = dout;
    return { x: dout.map((row) => row.map((v) => 2 * v + rows * 0)) };
  },
});

// A tree output (an LSTM's { h, c }) and inputs given by a function.
export const tree = layer({
  at: () => ({ x: randn([2, 3]) }),
  forward: ({ x }) => ({ h: twice(x), c: x }),
  backward: (dout, cache) => {
    // @ts-expect-error the output tree has no 'out'
    void dout.out;
    return { x: dout.h.data.map((v, i) => v + dout.c.data[i] + cache.x.data[i]) };
  },
});

export const loss = fn({
  at: { scores: randn([3, 2], { nested: true }), y: randint(0, 2, [3]) },
  f: ({ scores }) => scores.flat().reduce((a, b) => a + b, 0),
  grad: ({ scores }) => ({ scores: scores.map((row) => row.map(() => 1)) }),
});

export const net = model({
  params: { fc1: { W: randn([2, 2]) } },
  data: { reg: 0.1 },
  loss: ({ fc1 }, { reg }) => fc1.W.data.reduce((a, v) => a + reg * v * v, 0),
  grad: ({ fc1 }, { reg }) => ({ fc1: { W: fc1.W.data.map((v) => 2 * reg * v) } }),
});
`;

test('a strict tsc types dout and cache from forward, and holds user code to them', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlens-types-'));
  try {
    const file = path.join(dir, 'checks.ts');
    fs.writeFileSync(file, USER_FILE);
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      noImplicitAny: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      baseUrl: dir,
      paths: { gradlens: [path.join(root, 'core/index.ts')] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file || !d.file);
    const text = diagnostics.map(
      (d) => `${d.file ? `${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
    assert.deepEqual(text, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
