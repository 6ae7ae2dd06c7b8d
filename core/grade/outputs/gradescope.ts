// Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a total score
// plus one test per scored item, each with score, max_score, status, output and visibility.

import type { Visibility } from '../assignment';
import { roundScore, type StudentResult } from '../results';

export interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  output_format: 'text';
  visibility: Visibility;
  tags: string[];
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: 'text';
  visibility: Visibility;
  stdout_visibility: 'hidden';
  tests: GradescopeTest[];
}

/** Full points passes; an item worth nothing (feedback only) passes when its check did. */
function passed(score: number, maxScore: number, status: string): boolean {
  return maxScore > 0 ? score >= maxScore : status === 'pass' || status === 'warn';
}

/**
 * One test per gradient (and per forward output), so partial credit shows as separate rows; a task that
 * failed as a whole (compile error, timeout) keeps its rows, each saying why it got no points.
 */
export function gradescopeResults(result: StudentResult, visibility: Visibility = 'visible'): GradescopeResults {
  const tests: GradescopeTest[] = [];
  for (const task of result.tasks) {
    for (const item of task.items) {
      tests.push({
        name: `${task.name}: ${item.key === 'forward' ? 'forward output' : item.key}`,
        score: roundScore(item.score),
        max_score: roundScore(item.maxScore),
        status: passed(item.score, item.maxScore, item.status) ? 'passed' : 'failed',
        output: item.feedback,
        output_format: 'text',
        visibility: task.visibility,
        tags: [task.name, ...item.hints],
      });
    }
  }
  const lines = [`${result.assignment}: ${roundScore(result.score)} / ${roundScore(result.maxScore)} points`];
  for (const task of result.tasks) lines.push(`  ${task.name}: ${roundScore(task.score)} / ${roundScore(task.maxScore)}`);
  return {
    score: roundScore(result.score),
    execution_time: Math.max(0, Math.round(result.timeMs / 1000)),
    output: lines.join('\n'),
    output_format: 'text',
    visibility,
    // The grader's own stdout is for the instructor; students see only what is in the tests.
    stdout_visibility: 'hidden',
    tests,
  };
}
