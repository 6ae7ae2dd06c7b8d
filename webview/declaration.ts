// One declaration's page: header, legend, the per-layer bar chart, then one row per layer (TensorResult.group)
// with a heatmap per tensor. Used by the VS Code panel (one declaration) and the HTML report (all of them).

import type { DeclarationReport, DirectionResult, SourceRange, TensorResult } from '../core/report/types';
import { BarChart } from './bars';
import { directionDetails, renderDirections, renderJointDirections, renderNoData } from './directions';
import { h } from './dom';
import { renderHeader } from './header';
import { Heatmap } from './heatmap';
import { blockCellState, SearchBlocks } from './layout';
import { renderLegend } from './legend';
import type { Patterns, SpecialState } from './patterns';
import { jointDirections, visibleBlocks } from './summary';
import type { DrillState } from './protocol';
import { failRange, type FailRange } from './scale';
import type { Theme } from './theme';

export interface DeclarationHost {
  theme(): Theme;
  patterns(): Patterns;
  /** Reveal a source range in the editor; null in the standalone report. */
  reveal: ((range: SourceRange, tensor: string, flat: number | null) => void) | null;
  onZoom(drill: DrillState | null): void;
}

/**
 * Whether a tensor has cells to draw: listed elements, or blocks of a directional search that divide it (a
 * single block over the whole tensor says no more than its directions' table).
 */
export function hasCells(t: TensorResult): boolean {
  if (t.elements && t.elements.flat.length) return true;
  const blocks = t.blocks ?? [];
  return blocks.length > 1 || (blocks.length === 1 && (blocks[0].from > 0 || blocks[0].to < t.size));
}

/** Special states that occur in a report, so the legend lists only what can be seen. */
export function specialsOf(report: DeclarationReport): SpecialState[] {
  const seen = new Set<string>();
  for (const t of report.tensors) {
    if (!hasCells(t)) continue;
    for (const s of t.elements?.state ?? []) seen.add(s);
    const blocks = new SearchBlocks(t);
    for (const b of visibleBlocks(t, blocks)) seen.add(blockCellState(b.state));
    // Cells that are neither listed nor in a block: a sampled report, or blocks that leave gaps.
    const covered = blocks.covered;
    if (covered < t.size && (t.elements?.layout === 'sampled' || (t.elements?.flat.length ?? 0) + covered < t.size)) seen.add('unlisted');
  }
  const order: SpecialState[] = ['block-fail', 'block-kink', 'block-pass', 'kink', 'nonfinite', 'unchecked', 'unlisted'];
  return order.filter((s) => seen.has(s));
}

export class DeclarationView {
  readonly root: HTMLElement;
  private heatmaps: Heatmap[] = [];
  private bars: BarChart | null = null;
  private legendSlot: HTMLElement;
  private readonly banner: HTMLElement;
  /** The fail ramp: every heatmap, the legend and the bars of this declaration share it. */
  private readonly fail: FailRange | null;

  constructor(
    readonly report: DeclarationReport,
    private readonly host: DeclarationHost,
    drill: DrillState | null = null,
  ) {
    this.fail = failRange(report);
    const reveal = host.reveal;
    this.banner = h(
      'div',
      { class: 'gl-outdated', attrs: { role: 'status', hidden: true } },
      'The code changed since this check ran: these numbers may no longer describe it. Run the check again to refresh.',
    );
    this.legendSlot = h('div', { class: 'gl-legend-slot' });
    const hasHeatmaps = report.tensors.some(hasCells);
    this.bars = report.tensors.length ? new BarChart(report, host.theme, this.fail) : null;
    const joint = jointDirections(report);
    const groups = new Map<string, TensorResult[]>();
    for (const t of report.tensors) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
    const rows = [...groups].map(([group, tensors]) => {
      const figures = tensors.map((t) => this.renderTensor(t, drill?.tensor === t.path ? drill : null, joint));
      const title = group || (report.kind === 'fn' ? 'Inputs' : 'Inputs and parameters');
      return h(
        'section',
        { class: 'gl-layer', attrs: { 'data-group': group, 'aria-label': title } },
        h('h3', { text: title }),
        h('div', { class: 'gl-row' }, ...figures),
      );
    });
    this.root = h(
      'article',
      { class: `gl-declaration gl-status-${report.status}`, attrs: { 'data-name': report.name, 'data-file': report.file } },
      renderHeader(report, reveal ? (range) => reveal(range, '', null) : null),
      this.banner,
      h('div', { class: 'gl-overview' }, this.bars?.root ?? '', hasHeatmaps ? this.legendSlot : ''),
      joint.length
        ? h(
            'section',
            { class: 'gl-layer gl-joint-layer', attrs: { 'data-group': '', 'data-scope': 'all', 'aria-label': 'All tensors' } },
            h('h3', { text: 'All tensors' }),
            renderJointDirections(joint, { status: report.status, compared: report.tensors.every((t) => t.checked > 0) }),
          )
        : '',
      ...rows,
    );
    this.renderLegend();
  }

  private renderTensor(t: TensorResult, drill: DrillState | null, joint: DirectionResult[]): HTMLElement {
    if (hasCells(t)) {
      const reveal = this.host.reveal;
      const heatmap = new Heatmap(
        t,
        {
          tolerance: this.report.tolerance,
          fail: this.fail,
          theme: this.host.theme,
          patterns: this.host.patterns,
          reveal: reveal ? (tensor, flat) => tensor.source && reveal(tensor.source, tensor.path, flat) : null,
          onZoom: (tensor, at) => this.host.onZoom(at ? { tensor, ...at } : null),
        },
        drill,
      );
      this.heatmaps.push(heatmap);
      const details = directionDetails(t);
      if (details) heatmap.root.append(details);
      return heatmap.root;
    }
    if (t.directions.length || t.method === 'directions' || t.method === 'blocks') return renderDirections(t, joint);
    return renderNoData(t);
  }

  private renderLegend(): void {
    this.legendSlot.replaceChildren(renderLegend(this.report.tolerance, this.host.theme(), specialsOf(this.report), this.fail));
  }

  setOutdated(outdated: boolean): void {
    this.banner.hidden = !outdated;
    this.root.classList.toggle('gl-is-outdated', outdated);
  }

  /** Redraws every canvas with the current theme's colours. */
  applyTheme(): void {
    this.renderLegend();
    this.bars?.render();
    for (const m of this.heatmaps) m.render();
  }

  destroy(): void {
    for (const m of this.heatmaps) m.destroy();
    this.bars?.destroy();
    this.heatmaps = [];
  }
}
