// JUnit XML for CI dashboards (GitHub Classroom, GitLab, Jenkins): a <testsuites> root with one <testsuite>
// per student and one <testcase> per scored item; lost points are <failure>s, tasks that could not run <error>s.

import { escapeXml as xmlEscape } from '../../report/xml';
import { roundScore, type ClassResult } from '../results';

export function junitXml(result: ClassResult): string {
  const attr = (name: string, value: string | number) => `${name}="${xmlEscape(String(value))}"`;
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let time = 0;
  for (const student of [...result.students].sort((a, b) => a.student.localeCompare(b.student))) {
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteErrors = 0;
    for (const task of student.tasks) {
      for (const item of task.items) {
        const name = `${task.name}: ${item.key === 'forward' ? 'forward output' : item.key} (${roundScore(item.score)}/${roundScore(item.maxScore)})`;
        const head = `    <testcase ${attr('classname', `${student.student}.${task.name}`)} ${attr('name', name)} ${attr('time', (task.timeMs / 1000 / Math.max(1, task.items.length)).toFixed(3))}>`;
        if (item.score >= item.maxScore) {
          cases.push(`${head}</testcase>`);
          continue;
        }
        const tag = task.error ? 'error' : 'failure';
        if (task.error) suiteErrors++;
        else suiteFailures++;
        const message = task.error ? task.error.message : item.feedback.split('\n')[0];
        cases.push(
          `${head}\n      <${tag} ${attr('message', message)} ${attr('type', task.error?.code ?? item.status)}>${xmlEscape(item.feedback)}</${tag}>\n    </testcase>`,
        );
      }
    }
    const count = student.tasks.reduce((n, t) => n + t.items.length, 0);
    tests += count;
    failures += suiteFailures;
    errors += suiteErrors;
    time += student.timeMs / 1000;
    suites.push(
      `  <testsuite ${attr('name', student.student)} ${attr('tests', count)} ${attr('failures', suiteFailures)} ${attr('errors', suiteErrors)} ${attr('skipped', 0)} ${attr('time', (student.timeMs / 1000).toFixed(3))} ${attr('timestamp', student.gradedAt.replace(/Z$/, ''))}>\n` +
        `    <properties>\n      <property ${attr('name', 'score')} ${attr('value', roundScore(student.score))}/>\n      <property ${attr('name', 'max_score')} ${attr('value', roundScore(student.maxScore))}/>\n    </properties>\n` +
        cases.join('\n') +
        '\n  </testsuite>',
    );
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites ${attr('name', result.assignment)} ${attr('tests', tests)} ${attr('failures', failures)} ${attr('errors', errors)} ${attr('time', time.toFixed(3))}>\n` +
    suites.join('\n') +
    '\n</testsuites>\n'
  );
}
