// The student's heatmap report: the same standalone HTML page `gradlens check --html` writes (every graded
// gradient as a declaration), so students see their errors the way the editor shows them.

import { renderHtmlReport } from '../../report/html';
import { buildRunReport, fileErrorReport } from '../../report/run';
import type { DeclarationKind, DeclarationReport } from '../../report/types';
import { roundScore, type StudentResult } from '../results';

/** Where a task's code is in the submission, and its kind. */
export type TaskOf = (task: string) => { file: string; kind: DeclarationKind };

export function studentRunReport(result: StudentResult, taskOf: TaskOf) {
  const declarations: DeclarationReport[] = result.tasks.map((task) => {
    if (task.graded) return { ...task.graded, name: task.name };
    const { file, kind } = taskOf(task.name);
    const message = task.error?.message ?? 'not graded';
    return { ...fileErrorReport(file, [{ severity: 'error', code: 'load-error', message }], { name: task.name, kind }), summary: message };
  });
  return buildRunReport([{ file: '', declarations, findings: [] }], new Date(result.gradedAt), result.timeMs);
}

/** The page, or null when the heatmap bundle (dist/webview.js) is not available on this machine. */
export function studentReportHtml(result: StudentResult, taskOf: TaskOf): string | null {
  try {
    const run = studentRunReport(result, taskOf);
    return renderHtmlReport(
      { ...run, files: [...new Set(result.tasks.map((t) => taskOf(t.name).file))] },
      {
        title: `${result.assignment}: ${result.student} (${roundScore(result.score)} / ${roundScore(result.maxScore)})`,
      },
    );
  } catch {
    return null;
  }
}
