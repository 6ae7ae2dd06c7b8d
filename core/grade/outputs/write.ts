// Writes the class-wide outputs next to the per-student folders, each file atomically.

import { classStats } from '../stats';
import type { ClassResult } from '../results';
import type { ResultStore } from '../store';
import { gradebookCsv } from './gradebook';
import { junitXml } from './junit';
import { summaryHtml } from './summary-html';

export async function writeClassOutputs(store: ResultStore, result: ClassResult): Promise<string[]> {
  const stats = classStats(result);
  return [
    await store.write('gradebook.csv', gradebookCsv(result)),
    await store.write('junit.xml', junitXml(result)),
    await store.write('summary.html', summaryHtml(result, stats)),
    await store.write('summary.json', JSON.stringify({ assignment: result.assignment, ...stats }, null, 1)),
  ];
}
