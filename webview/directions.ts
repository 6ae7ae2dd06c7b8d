// Tensors checked only along random directions (fast mode) have no per-element data: they get a table of
// the directional comparisons instead of a heatmap.

import type { TensorResult } from '../core/report/types';
import { h, statusBadge } from './dom';
import { formatError, formatShape, formatValue } from './format';

export function renderDirections(t: TensorResult): HTMLElement {
  const rows = t.directions.map((d) =>
    h(
      'tr',
      { class: d.pass ? 'gl-pass' : 'gl-fail' },
      h('td', { text: d.block ? `${d.scope} [${d.block[0]}, ${d.block[1]})` : d.scope }),
      h('td', { class: 'gl-num', text: formatValue(d.analytic) }),
      h('td', { class: 'gl-num', text: formatValue(d.numeric) }),
      h('td', { class: 'gl-num', text: formatError(d.errEst) }),
      h('td', { class: 'gl-num', text: formatError(d.margin) }),
      h('td', {}, statusBadge(d.pass ? 'pass' : 'fail')),
    ),
  );
  return h(
    'figure',
    { class: `gl-heatmap gl-directions gl-status-${t.status}`, attrs: { 'data-tensor': t.path } },
    h('figcaption', { class: 'gl-heatmap-head' }, h('code', { class: 'gl-path', text: t.path }), h('span', { class: 'gl-shape', text: formatShape(t.shape) }), statusBadge(t.status)),
    h(
      'table',
      { class: 'gl-table' },
      h('caption', { text: 'Checked along random directions only (no per-element data): u·analytic against the numerical derivative along u.' }),
      h('thead', {}, h('tr', {}, ...['direction', 'u·analytic', 'numeric', 'error est.', 'margin', ''].map((c) => h('th', { text: c, attrs: { scope: 'col' } })))),
      h('tbody', {}, ...rows),
    ),
  );
}

/** A tensor with nothing to draw: a gradient problem, or no comparisons at all. */
export function renderNoData(t: TensorResult): HTMLElement {
  const why = t.problem ?? (t.method === 'none' ? 'Not checked.' : 'No per-element data in this report.');
  return h(
    'figure',
    { class: `gl-heatmap gl-nodata gl-status-${t.status}`, attrs: { 'data-tensor': t.path } },
    h('figcaption', { class: 'gl-heatmap-head' }, h('code', { class: 'gl-path', text: t.path }), h('span', { class: 'gl-shape', text: formatShape(t.shape) }), statusBadge(t.status)),
    h('p', { class: 'gl-caption', text: why }),
  );
}
