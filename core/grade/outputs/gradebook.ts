// The CSV gradebook: one row per student, one column per scored item, then task totals and the total.

import { roundScore, type ClassResult } from '../results';

/** RFC 4180 quoting; a leading = + - @ is prefixed so that spreadsheets do not run a student's folder name as a formula. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function gradebookCsv(result: ClassResult): string {
  // The columns are the assignment's (result.tasks, from the plan): a key that only a student's result carries
  // never becomes a column, and every student lines up, also one whose task crashed before naming its gradients.
  const columns = result.tasks.flatMap((t) => t.items.map((key) => ({ task: t.name, key })));
  const taskNames = result.tasks.map((t) => t.name);
  const header = ['student', ...columns.map((c) => `${c.task}: ${c.key}`), ...taskNames.map((t) => `${t} (total)`), 'total', 'max', 'percent', 'errors'];
  const rows = [header.map(csvCell).join(',')];
  for (const student of [...result.students].sort((a, b) => a.student.localeCompare(b.student))) {
    const item = (task: string, key: string) => student.tasks.find((t) => t.name === task)?.items.find((i) => i.key === key);
    const errors = student.tasks
      .filter((t) => t.error)
      .map((t) => `${t.name}: ${t.error!.message}`)
      .join('; ');
    const percent = student.maxScore > 0 ? (100 * student.score) / student.maxScore : 0;
    rows.push(
      [
        student.student,
        ...columns.map((c) => roundScore(item(c.task, c.key)?.score ?? 0)),
        ...taskNames.map((t) => roundScore(student.tasks.find((x) => x.name === t)?.score ?? 0)),
        roundScore(student.score),
        roundScore(student.maxScore),
        Math.round(percent * 10) / 10,
        errors,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}
