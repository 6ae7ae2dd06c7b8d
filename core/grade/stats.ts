// Class statistics: the score distribution, how many students earned each item, and which hints came up
// most. Feeds the summary page and summary.json.

import type { HintCode } from '../report/types';
import type { ClassResult, TaskErrorCode } from './results';

export interface ItemStats {
  task: string;
  key: string;
  maxScore: number;
  /** Students with full points on the item. */
  passed: number;
  attempted: number;
  meanScore: number;
}

export interface ClassStats {
  students: number;
  maxScore: number;
  mean: number;
  median: number;
  /** Students with every point. */
  perfect: number;
  /** One bin per whole point (from = to = k) when max is a whole number up to 30, else ten bins over [0, max]. */
  histogram: { from: number; to: number; count: number }[];
  items: ItemStats[];
  hints: { code: HintCode; count: number; example: string }[];
  errors: { code: TaskErrorCode; count: number }[];
  /** Every refused access (read, write, process, link, kill), by student and task: the instructor sees them all. */
  denials: { student: string; task: string; kind: string; call: string; resource?: string; atImport: boolean }[];
}

const BINS = 10;
const MAX_WHOLE_BINS = 30;

export function classStats(result: ClassResult): ClassStats {
  const scores = result.students.map((s) => s.score).sort((a, b) => a - b);
  const n = scores.length;
  const max = result.maxScore;
  // Whole-point bins when the total is a small whole number (0, 1, ..., max), else ten equal bins.
  const wholePoints = Number.isInteger(max) && max > 0 && max <= MAX_WHOLE_BINS;
  const bins = wholePoints ? max + 1 : BINS;
  const width = wholePoints ? 1 : max / BINS;
  const histogram = Array.from({ length: bins }, (_, i) => ({ from: i * width, to: wholePoints ? i : (i + 1) * width, count: 0 }));
  for (const s of scores) {
    const bin = max > 0 ? Math.max(0, Math.min(bins - 1, Math.floor(s / width))) : 0;
    histogram[bin].count++;
  }
  const items = new Map<string, ItemStats>();
  for (const task of result.tasks) {
    for (const key of task.items) items.set(`${task.name}\u0000${key}`, { task: task.name, key, maxScore: 0, passed: 0, attempted: 0, meanScore: 0 });
  }
  const hints = new Map<HintCode, { count: number; example: string }>();
  const errors = new Map<TaskErrorCode, number>();
  const denials: ClassStats['denials'] = [];
  for (const student of result.students) {
    for (const task of student.tasks) {
      for (const d of task.denials ?? []) {
        denials.push({
          student: student.student,
          task: task.name,
          kind: d.kind,
          call: d.call,
          ...(d.resource ? { resource: d.resource } : {}),
          atImport: d.phase === 'load',
        });
      }
      if (task.error) errors.set(task.error.code, (errors.get(task.error.code) ?? 0) + 1);
      for (const item of task.items) {
        // Only the assignment's items are counted: keys a student's result carries beyond them are not columns.
        const stats = items.get(`${task.name}\u0000${item.key}`);
        if (!stats) continue;
        stats.maxScore = Math.max(stats.maxScore, item.maxScore);
        stats.attempted++;
        if (item.score >= item.maxScore) stats.passed++;
        stats.meanScore += item.score;
      }
      // A hint counts once per student and task, however many gradients it showed up on.
      const seen = new Set<HintCode>();
      for (const tensor of task.graded?.tensors ?? []) {
        for (const hint of tensor.hints) {
          if (seen.has(hint.code)) continue;
          seen.add(hint.code);
          const entry = hints.get(hint.code) ?? { count: 0, example: hint.message };
          entry.count++;
          hints.set(hint.code, entry);
        }
      }
    }
  }
  for (const stats of items.values()) stats.meanScore = stats.attempted ? stats.meanScore / stats.attempted : 0;
  return {
    students: n,
    maxScore: max,
    mean: n ? scores.reduce((a, b) => a + b, 0) / n : 0,
    median: n ? (n % 2 ? scores[(n - 1) / 2] : (scores[n / 2 - 1] + scores[n / 2]) / 2) : 0,
    perfect: scores.filter((s) => s >= max && max > 0).length,
    histogram,
    items: [...items.values()],
    hints: [...hints.entries()].map(([code, v]) => ({ code, ...v })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    errors: [...errors.entries()].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count),
    denials,
  };
}
