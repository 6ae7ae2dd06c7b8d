// A student's feedback as plain text: the total, then every task's feedback (the same text Gradescope shows).

import { roundScore, type StudentResult } from '../results';

export function studentFeedbackText(result: StudentResult): string {
  const lines = [`${result.assignment}: ${roundScore(result.score)} / ${roundScore(result.maxScore)} points`, ''];
  for (const task of result.tasks) {
    lines.push(`== ${task.name}: ${roundScore(task.score)} / ${roundScore(task.maxScore)} ==`);
    lines.push(task.feedback, '');
  }
  return lines.join('\n');
}
