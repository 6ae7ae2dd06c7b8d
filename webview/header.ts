// The header of a declaration: the verdict, what is wrong (summary, hints, findings) and what the check cost.

import { isFileReport } from '../core/report/run';
import type { DeclarationReport, SourceRange } from '../core/report/types';
import { h, statusBadge } from './dom';
import { formatCount, formatError, formatLocation, formatMs } from './format';
import { uncheckedWords } from './summary';

export function renderHeader(report: DeclarationReport, reveal: ((range: SourceRange) => void) | null): HTMLElement {
  const where = report.range ?? null;
  const location = formatLocation(report.file, where?.start.line ?? 0);
  const locationEl =
    reveal && where
      ? h('button', { class: 'gl-link', text: location, attrs: { type: 'button', title: `Go to ${report.name}` } })
      : h('span', { class: 'gl-file', text: where ? location : (report.file.split(/[\\/]/).pop() ?? report.file), attrs: { title: report.file } });
  if (reveal && where) locationEl.addEventListener('click', () => reveal(where));

  const hints = report.tensors.flatMap((t) =>
    t.hints.map((hint) =>
      h(
        'li',
        { attrs: { 'data-hint': hint.code } },
        h('code', { text: t.path }),
        ' ',
        hint.message,
        hint.factor !== undefined ? h('span', { class: 'gl-muted', text: ` (factor ${formatError(hint.factor)})` }) : '',
      ),
    ),
  );
  const problems = report.tensors.filter((t) => t.problem).map((t) => h('li', { class: 'gl-error' }, h('code', { text: t.path }), ' ', t.problem!));
  const unchecked = report.tensors.flatMap((t) => {
    const words = uncheckedWords(t.unchecked);
    return words ? [h('li', { attrs: { 'data-tensor': t.path } }, h('code', { text: t.path }), ' ', words.replace(/^Not checked: /, ''))] : [];
  });
  // A check that stopped early, and what any check did not get to, in one box.
  const partial =
    report.partial || unchecked.length
      ? h(
          'div',
          { class: 'gl-partial-note', attrs: { role: 'note' } },
          report.partial
            ? h('p', { text: 'Partial result: the check stopped early (time limit or cancellation). What it did not reach is not known to pass.' })
            : '',
          unchecked.length
            ? h(
                'div',
                { class: 'gl-unchecked' },
                h('span', { class: 'gl-unchecked-title', text: 'Not checked:' }),
                h('ul', { attrs: { 'aria-label': 'Not checked' } }, ...unchecked),
              )
            : '',
        )
      : '';
  const findings = report.findings.map((f) =>
    h(
      'li',
      { class: `gl-finding gl-${f.severity}`, attrs: { 'data-code': f.code } },
      h('span', { class: 'gl-severity', text: f.severity }),
      ' ',
      f.message,
      f.location ? h('span', { class: 'gl-muted', text: ` (${formatLocation(f.location.file, f.location.start.line)})` }) : '',
    ),
  );
  const objectives = report.objectives > 1 ? `${report.objectives} upstream gradients` : '';
  const cost = [
    `${formatCount(report.evaluations)} forward passes`,
    report.forwardMs !== null ? `${formatMs(report.forwardMs)} each` : '',
    `check ${formatMs(report.checkMs)}`,
    `total ${formatMs(report.timeMs)}`,
    `${report.workers} worker${report.workers === 1 ? '' : 's'}`,
    `mode ${report.mode}`,
    report.dtype,
    objectives,
    `rtol ${formatError(report.tolerance.rtol)}`,
    `floor ${formatError(report.tolerance.floor)}`,
    `seed ${report.seed}`,
  ].filter(Boolean);

  // A file that could not be checked (it does not compile, or throws while loading) is named as the file.
  const whole = isFileReport(report);
  return h(
    'header',
    { class: 'gl-header' },
    h(
      'div',
      { class: 'gl-title-row' },
      statusBadge(report.status, { partial: report.partial }),
      h('h2', { class: 'gl-name', text: whole ? (report.file.split(/[\\/]/).pop() ?? report.file) : report.name }),
      h('span', { class: 'gl-kind', text: whole ? 'file: could not be checked' : report.kind }),
      whole ? '' : locationEl,
    ),
    report.summary ? h('p', { class: 'gl-summary', text: report.summary }) : '',
    hints.length || problems.length ? h('ul', { class: 'gl-hints', attrs: { 'aria-label': 'Likely causes' } }, ...problems, ...hints) : '',
    partial,
    findings.length ? h('ul', { class: 'gl-findings', attrs: { 'aria-label': 'Findings' } }, ...findings) : '',
    whole ? '' : h('p', { class: 'gl-cost', attrs: { 'aria-label': 'Cost of the check' } }, cost.join(' · ')),
  );
}
