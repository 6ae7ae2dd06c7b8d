// Points per gradient. A task's points are either one number, split evenly over the checked gradients, or
// a table keyed by input path ('W'), gradient key ('dW') or 'forward'. A gradient earns its points when it
// passes (a warning, such as a valid subgradient at a kink, passes too); there is no credit for "close".

import type { Status, TensorResult } from '../report/types';
import type { TaskPoints } from './assignment';
import type { PlannedTask } from './plan';
import type { TaskLayout } from './results';

export interface ItemSlot {
  /** The column name: the points table's key, else the gradient's name. */
  key: string;
  maxScore: number;
  /** The tensor path the item scores; null for 'forward' and for the catch-all of a task that never ran. */
  path: string | null;
}

/** The names a points key may use for a tensor: its path, its last segment, and the d-prefixed forms. */
function namesOf(path: string, gradientKey: string | null): string[] {
  const last = path.split('.').pop()!;
  const prefix = path.includes('.') ? path.slice(0, path.length - last.length) : '';
  const names = [path, `${prefix}d${last}`, `${prefix}d${last[0].toUpperCase()}${last.slice(1)}`];
  if (gradientKey) names.push(gradientKey);
  return names;
}

/**
 * The scored items of a task, given the tensors it checks (from the reference, or from the student's own
 * check without one). Returns unknown keys of the points table separately, so they can be reported.
 */
export function itemSlots(
  points: TaskPoints,
  tensors: { path: string; gradientKey: string | null }[],
  forwardCompared: boolean,
): { slots: ItemSlot[]; unknownKeys: string[] } {
  if (typeof points === 'number') {
    if (!tensors.length) return { slots: [{ key: 'gradients', maxScore: points, path: null }], unknownKeys: [] };
    const share = points / tensors.length;
    return { slots: tensors.map((t) => ({ key: t.gradientKey || t.path, maxScore: share, path: t.path })), unknownKeys: [] };
  }
  const slots: ItemSlot[] = [];
  const used = new Set<string>();
  for (const t of tensors) {
    const key = namesOf(t.path, t.gradientKey).find((name) => name in points);
    if (key === undefined) continue;
    used.add(key);
    slots.push({ key, maxScore: points[key], path: t.path });
  }
  if ('forward' in points && forwardCompared) {
    used.add('forward');
    slots.push({ key: 'forward', maxScore: points.forward, path: null });
  }
  return { slots, unknownKeys: Object.keys(points).filter((k) => !used.has(k)) };
}

/** The slots of a task that could not run at all: every point it was worth, each at zero. */
export function slotsWithoutResults(
  points: TaskPoints,
  planned: { path: string; gradientKey: string | null }[] | undefined,
  forwardCompared: boolean,
): ItemSlot[] {
  if (planned) return itemSlots(points, planned, forwardCompared).slots;
  if (typeof points === 'number') return [{ key: 'gradients', maxScore: points, path: null }];
  return Object.entries(points).map(([key, maxScore]) => ({ key, maxScore, path: null }));
}

/** Whether a gradient's status earns its points. */
export function earns(status: Status): boolean {
  return status === 'pass' || status === 'warn';
}

export function tensorFor(slot: ItemSlot, tensors: TensorResult[]): TensorResult | undefined {
  return slot.path === null ? undefined : tensors.find((t) => t.path === slot.path);
}

/**
 * A task's columns as the assignment decides them: the reference's gradients (and 'forward'), or the points
 * table's keys without a reference. A task with one number of points and no reference has only its total.
 */
export function taskLayout(task: Pick<PlannedTask, 'name' | 'points' | 'reference'>): TaskLayout {
  if (task.reference) return { name: task.name, items: itemSlots(task.points, task.reference.tensors, true).slots.map((s) => s.key) };
  const items = typeof task.points === 'number' ? [] : Object.keys(task.points).filter((k) => k !== 'forward');
  return { name: task.name, items };
}
