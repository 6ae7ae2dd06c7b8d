// Grading hostile submissions generated into a temp folder at test time: a 3 GB sparse file, a folder with more
// files than the grader walks, a helper changed between runs, a link to another student's file, a 5 MB error
// message, and a worker that cannot start. Each costs only its own student, and never leaves a wrong score
// (stored or reused), an unbounded output, or the grader's scratch folder behind.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gradeClass, loadPlan, type GradeRun } from '../../core/grade/grader';
import { gradeSubmission } from '../../core/grade/grade-submission';
import type { StudentResult } from '../../core/grade/results';
import { detectSandbox } from '../../core/grade/sandbox';
import { ResultStore } from '../../core/grade/store';
import { listSubmissions, MAX_ENTRIES } from '../../core/grade/submissions';
import { makeWorkDir, removeWorkDir } from '../../core/grade/workdir';
import { ASSIGNMENT, buildGradeCli, buildWorker, readableTempDir, SUBMISSIONS } from '../fixtures/class/build';

const ALICE = path.join(SUBMISSIONS, 'alice');
const FULL = 11;

let root: string;
let tmp: string;
let worker: string;
let cli: string;
let savedTmp: string | undefined;

/** A copy of alice's correct submission, plus `extra` files (relative path → content). */
function student(classDir: string, name: string, extra: Record<string, string> = {}): string {
  const dir = path.join(classDir, name);
  mkdirSync(dir, { recursive: true });
  for (const file of ['layers.ts', 'loss.ts']) copyFileSync(path.join(ALICE, file), path.join(dir, file));
  for (const [file, content] of Object.entries(extra)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

function classFolder(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function grade(classDir: string, outName: string, extra: { regrade?: boolean; jobs?: number } = {}): Promise<GradeRun> {
  return gradeClass({ assignment: ASSIGNMENT, submissions: await listSubmissions(classDir), outDir: path.join(root, outName), workerScript: worker, ...extra });
}

const byName = (run: GradeRun, name: string): StudentResult => {
  const s = run.result.students.find((x) => x.student === name);
  assert.ok(s, `a result for ${name}`);
  return s;
};

before(async () => {
  const dist = readableTempDir('gradlens-test-dist-');
  worker = await buildWorker(dist);
  cli = await buildGradeCli(dist);
  root = readableTempDir('gradlens-test-hostile-');
  // The grader's scratch folders go here, so the test can see that none is left behind.
  tmp = path.join(root, 'tmp');
  mkdirSync(tmp, { mode: 0o755 });
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
});

after(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(root, { recursive: true, force: true });
  rmSync(path.dirname(worker), { recursive: true, force: true });
});

describe('one submission never costs another', () => {
  test('a 3 GB sparse file gets its student a too-large finding; the run and the student graded beside it go on', async () => {
    const dir = classFolder('huge');
    student(dir, 'honest');
    const huge = student(dir, 'huge');
    writeFileSync(path.join(huge, 'weights.bin'), '');
    truncateSync(path.join(huge, 'weights.bin'), 3 * 1024 ** 3);
    const run = await grade(dir, 'grades-huge', { jobs: 2 });
    assert.equal(byName(run, 'honest').score, FULL);
    const hostile = byName(run, 'huge');
    assert.equal(hostile.score, 0);
    for (const t of hostile.tasks) {
      assert.equal(t.error?.code, 'too-large');
      assert.match(t.error!.message, /holds 3 GiB of files \(the largest, weights\.bin, is 3 GiB\), more than the 64 MiB/);
    }
    assert.ok(readFileSync(path.join(root, 'grades-huge', 'gradebook.csv'), 'utf8').includes('\r\nhonest,'));
    assert.deepEqual(readdirSync(tmp), [], 'no scratch folder is left');
  });

  test('a worker that cannot start is the grader\'s failure: "not graded", never stored as a score, graded on the next run', async () => {
    const dir = classFolder('infra');
    const [submission] = (student(dir, 'honest'), await listSubmissions(dir));
    const sandbox = await detectSandbox();
    const workDir = makeWorkDir(sandbox);
    try {
      const { plan, hash } = await loadPlan(ASSIGNMENT, workDir, worker);
      const store = new ResultStore(path.join(root, 'grades-infra'));
      const job = { submission, plan, assignmentHash: hash, store, sandbox, workDir, regrade: false, storedOnly: false, memoryLimitMb: 512 };
      const broken = await gradeSubmission({ ...job, workerScript: path.join(workDir, 'no-such-worker.js') });
      assert.ok(broken?.result.notGraded, 'marked as not graded');
      assert.ok(broken.result.tasks.every((t) => t.error?.code === 'not-graded' && /^Not graded yet: /.test(t.feedback)));
      const again = await gradeSubmission({ ...job, workerScript: worker });
      assert.equal(again?.reused, false, 'not reused as "already graded"');
      assert.equal(again?.result.score, FULL);
    } finally {
      removeWorkDir(workDir);
    }
  });
});

describe('the files a task needs are found and hashed whatever else the folder holds', () => {
  test(`more than ${MAX_ENTRIES} files sorting before layers.ts do not hide it; such a folder is never reused`, async () => {
    const dir = classFolder('many');
    const many = student(dir, 'many');
    mkdirSync(path.join(many, 'junk'));
    for (let i = 0; i <= MAX_ENTRIES; i++) writeFileSync(path.join(many, 'junk', `f${i}`), '');
    const first = await grade(dir, 'grades-many');
    assert.equal(byName(first, 'many').score, FULL);
    const second = await grade(dir, 'grades-many');
    assert.equal(second.reused, 0, 'a walk cut short cannot prove the folder unchanged');
  });

  test('a changed helper that the task imports regrades the student', async () => {
    const dir = classFolder('stale');
    const stale = student(dir, 'stale');
    // loss.ts becomes a re-export of a helper deep in the folder, after many other files.
    const helper = path.join(stale, 'zz', 'deep', 'impl.ts');
    mkdirSync(path.dirname(helper), { recursive: true });
    const correct = readFileSync(path.join(stale, 'loss.ts'), 'utf8');
    writeFileSync(helper, correct);
    writeFileSync(path.join(stale, 'loss.ts'), "export * from './zz/deep/impl';\n");
    mkdirSync(path.join(stale, 'data'));
    for (let i = 0; i < 2100; i++) writeFileSync(path.join(stale, 'data', `d${i}`), '');
    assert.equal(byName(await grade(dir, 'grades-stale'), 'stale').score, FULL);
    const unchanged = await grade(dir, 'grades-stale');
    assert.equal(unchanged.reused, 1);
    // Same size and, on a coarse clock, maybe the same mtime: only the bundle tells the change.
    const wrong = correct.replace(/\/ n;/g, '/ 1;');
    assert.notEqual(wrong, correct);
    writeFileSync(helper, wrong);
    const changed = await grade(dir, 'grades-stale');
    assert.equal(changed.reused, 0);
    assert.equal(byName(changed, 'stale').tasks.find((t) => t.name === 'Softmax loss')?.score, 0);
  });
});

describe('what a student controls stays with that student', () => {
  test("a link to another student's file zeroes only the tasks of that file", async () => {
    const dir = classFolder('link');
    student(dir, 'honest');
    const linker = student(dir, 'linker');
    rmSync(path.join(linker, 'layers.ts'));
    symlinkSync('../honest/layers.ts', path.join(linker, 'layers.ts'));
    const s = byName(await grade(dir, 'grades-link'), 'linker');
    assert.equal(s.tasks.find((t) => t.name === 'Softmax loss')?.score, 3);
    for (const name of ['Affine layer', 'ReLU']) assert.equal(s.tasks.find((t) => t.name === name)?.error?.code, 'forbidden-import');
  });

  test('a 5 MB error message is capped once, so every output stays small', async () => {
    const dir = classFolder('bigmsg');
    student(dir, 'honest');
    student(dir, 'bigmsg', { 'loss.ts': "export function softmaxLoss() { throw new Error('M'.repeat(5_000_000)); }\n" });
    const run = await grade(dir, 'grades-bigmsg');
    const t = byName(run, 'bigmsg').tasks.find((x) => x.name === 'Softmax loss');
    assert.match(t?.error?.message ?? '', /more characters\)/);
    const out = path.join(root, 'grades-bigmsg');
    for (const file of [
      'gradebook.csv',
      'junit.xml',
      'summary.json',
      'students/bigmsg/result.json',
      'students/bigmsg/results.json',
      'students/bigmsg/feedback.txt',
    ]) {
      assert.ok(statSync(path.join(out, file)).size < 200_000, `${file} is ${statSync(path.join(out, file)).size} bytes`);
    }
    // The columns are the assignment's, whatever the students sent.
    const header = readFileSync(path.join(out, 'gradebook.csv'), 'utf8').split('\r\n')[0];
    assert.equal(
      header,
      'student,Affine layer: dx,Affine layer: dW,Affine layer: db,Affine layer: forward,ReLU: dx,Softmax loss: dscores,Affine layer (total),ReLU (total),Softmax loss (total),total,max,percent,errors',
    );
  });
});

describe("the grader's scratch folder", () => {
  test('is private while grading: the reference bundle is readable by the grader alone', async () => {
    const dir = classFolder('private');
    student(dir, 'honest');
    const seen: string[] = [];
    await gradeClass({
      assignment: ASSIGNMENT,
      submissions: await listSubmissions(dir),
      outDir: path.join(root, 'grades-private'),
      workerScript: worker,
      onProgress: () => {
        for (const name of readdirSync(tmp).filter((n) => n.startsWith('gradlens-grade-'))) {
          const work = path.join(tmp, name);
          const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
          const bundles = readdirSync(path.join(work, 'assignment')).map((f) => mode(path.join(work, 'assignment', f)));
          seen.push(`${mode(work)} ${mode(path.join(work, 'assignment'))} ${bundles.join(' ')} ${mode(path.join(work, 'students'))}`);
        }
      },
    });
    // Others may only pass through to what the confined user (nobody, as root) is given; as the grader's own user, nothing.
    const passage = process.getuid?.() === 0 ? '711' : '700';
    assert.deepEqual(seen, [`${passage} 700 600 ${passage}`]);
    assert.deepEqual(readdirSync(tmp), []);
  });

  test('is removed when the CLI is stopped with SIGTERM', async () => {
    const dir = classFolder('sigterm');
    // Busy at import for 20 s: the signal arrives while it runs.
    student(dir, 'slow', { 'loss.ts': 'const until = Date.now() + 20_000; while (Date.now() < until);\nexport function softmaxLoss() { return 0; }\n' });
    const child = spawn(process.execPath, [cli, 'grade', ASSIGNMENT, dir, '-o', path.join(root, 'grades-sigterm'), '--no-progress'], {
      // The test's cli.js leaves esbuild external: it is found in the repository's node_modules.
      env: { ...process.env, TMPDIR: tmp, NODE_OPTIONS: '', NODE_PATH: path.resolve(__dirname, '..', '..', 'node_modules') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // The scratch folder exists once the sandbox lines are out; then give the submission time to start.
    const exited = once(child, 'exit');
    for (let i = 0; i < 400 && child.exitCode === null && !readdirSync(tmp).some((n) => n.startsWith('gradlens-grade-')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 143, stderr);
    assert.match(stderr, /interrupted: /);
    assert.deepEqual(readdirSync(tmp), []);
  });
});
