// One tensor's heatmap: a chart.js matrix chart of the cells layout.ts computes, with an HTML tooltip, a
// keyboard cursor (arrows, Home/End, Enter, Escape), click-to-reveal for elements and click-to-zoom for tiles.
// The tensor's worst element is marked (corner brackets around its cell, or around the tile holding it) and named
// in the figure's header; the header's name moves the cursor there.

import type { ScriptableContext } from 'chart.js';
import type { TensorResult, Tolerance } from '../core/report/types';
import { Chart } from './charts';
import { describeCell } from './describe';
import { h, statusBadge } from './dom';
import { formatError, formatIndex, formatShape, formatValue } from './format';
import { type Cell, drill, overview, PRIORITY, TensorIndex, type Tick, type View } from './layout';
import type { Patterns } from './patterns';
import { type FailRange, isRampState, rampColor, scalePosition, toCss } from './scale';
import { tensorStats, uncheckedWords } from './summary';
import type { Theme } from './theme';
import { hideTooltip, showTooltip } from './tooltip';

export interface HeatmapHost {
  tolerance: Tolerance;
  /** The fail ramp of the declaration (see failRange): shared by its heatmaps, legend and bars. */
  fail: FailRange | null;
  theme(): Theme;
  patterns(): Patterns;
  /** Reveal a tensor's gradient source; null where there is no editor (the standalone report). */
  reveal: ((t: TensorResult, flat: number | null) => void) | null;
  /** Called when the user zooms into a tile (at) or back out (null), so the state can be saved. */
  onZoom(tensor: string, at: { x: number; y: number } | null): void;
}

/** Width the cells of a view may take, in CSS pixels. */
const MAX_WIDTH = 520;
/** Height the cells may take: a tall, thin matrix gets smaller cells rather than a page-long strip. */
const MAX_HEIGHT = 480;
const MAX_CELL = 26;
const MIN_CELL = 4;
const Y_AXIS = 54;
const X_AXIS = 34;
const PAD = 6;

let nextId = 0;

/** Drops ticks that would sit closer than `minGap` pixels to the previous one kept (small cells). */
function thin(ticks: Tick[], cellPx: number, minGap = 24): Tick[] {
  const out: Tick[] = [];
  for (const t of ticks) if (!out.length || (t.at - out[out.length - 1].at) * cellPx >= minGap) out.push(t);
  return out;
}

/** Colour of a cell: on the error scale for pass/fail, a pattern for the special states. */
export function cellFill(cell: Cell, tolerance: Tolerance, theme: Theme, patterns: Patterns, fail: FailRange | null = null): string | CanvasPattern {
  if (!isRampState(cell.state)) return patterns[cell.state];
  return toCss(rampColor(scalePosition(cell.relErr), cell.state === 'fail', scalePosition(tolerance.rtol), theme.ramps, fail));
}

/**
 * The tensor's worst element in words, for the figure's header: "worst W[3, 1]: 2.4e7× its tolerance, rel. err 1.9
 * (analytic 0.85 vs numeric −0.62)". Null when no element was compared.
 */
export function worstWords(t: TensorResult): string | null {
  const w = t.worst;
  if (!w || t.checked === 0) return null;
  const where = formatIndex(t.path, w.index);
  switch (w.state) {
    case 'fail':
      // The worst is the furthest over its own tolerance (as the CLI and the diagnostics name it), which need not
      // be the largest relative error: say both.
      return `worst ${where}: ${w.margin !== null ? `${formatError(w.margin)}× its tolerance, ` : ''}rel. err ${formatError(w.relErr)} (analytic ${formatValue(w.analytic)} vs numeric ${formatValue(w.numeric)})`;
    case 'nonfinite':
      return `worst ${where}: NaN or Infinity (analytic ${formatValue(w.analytic)} vs numeric ${formatValue(w.numeric)})`;
    case 'kink':
      return `a kink at ${where}: analytic ${formatValue(w.analytic)} between the one-sided slopes`;
    case 'unchecked':
      return null;
    default:
      return `largest error at ${where}: rel. err ${formatError(w.relErr)}`;
  }
}

export class Heatmap {
  readonly root: HTMLElement;
  private readonly tensorIndex: TensorIndex;
  private readonly box: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly live: HTMLElement;
  private readonly zoomBar: HTMLElement;
  private canvas: HTMLCanvasElement | null = null;
  private chart: Chart<'matrix'> | null = null;
  private view: View;
  private index = new Map<string, number>();
  private focus = -1;

  constructor(
    private readonly t: TensorResult,
    private readonly host: HeatmapHost,
    zoomAt?: { x: number; y: number } | null,
  ) {
    this.tensorIndex = new TensorIndex(t);
    this.view = overview(t, this.tensorIndex);
    const id = `gl-hm-${nextId++}`;
    this.live = h('div', { class: 'gl-visually-hidden', attrs: { id: `${id}-live`, 'aria-live': 'polite' } });
    this.box = h('div', {
      class: 'gl-canvas-box',
      attrs: { tabindex: 0, role: 'application', 'aria-roledescription': 'heatmap', 'aria-describedby': `${id}-live` },
    });
    this.caption = h('p', { class: 'gl-caption' });
    const back = h('button', { class: 'gl-back', text: '← Whole tensor', attrs: { type: 'button', title: 'Back to the whole tensor (Escape)' } });
    back.addEventListener('click', () => this.zoomOut());
    this.zoomBar = h('div', { class: 'gl-zoombar', attrs: { hidden: true } }, back);
    const stats = tensorStats(t);
    const unchecked = uncheckedWords(t.unchecked);
    const worst = worstWords(t);
    const worstButton = worst
      ? h('button', {
          class: `gl-worst gl-worst-${t.worst!.state}`,
          text: worst,
          attrs: { type: 'button', 'data-flat': String(t.worst!.flat), title: 'Marked ⌜⌟ in the heatmap: show it (cursor and tooltip)' },
        })
      : null;
    worstButton?.addEventListener('click', () => this.focusWorst());
    this.root = h(
      'figure',
      { class: `gl-heatmap gl-status-${t.status}`, attrs: { 'data-tensor': t.path } },
      h(
        'figcaption',
        { class: 'gl-heatmap-head' },
        h('code', { class: 'gl-path', text: t.path }),
        h('span', { class: 'gl-shape', text: formatShape(t.shape) }),
        statusBadge(t.status),
        h('span', { class: 'gl-stats', text: stats.join(' · ') }),
        worstButton ?? '',
      ),
      unchecked ? h('p', { class: 'gl-unchecked-note', text: unchecked }) : '',
      this.zoomBar,
      this.box,
      this.caption,
      this.live,
    );
    this.box.addEventListener('keydown', (e) => this.onKey(e));
    this.box.addEventListener('focus', () => {
      if (this.focus < 0) this.focus = this.worstCell();
      this.showFocus();
    });
    this.box.addEventListener('blur', () => {
      hideTooltip();
      this.chart?.draw();
    });
    if (zoomAt) {
      const zoomed = drill(t, zoomAt, this.tensorIndex);
      if (zoomed) this.setView(zoomed, false);
    }
    this.render();
  }

  /** (Re)creates the chart: on first render, after zooming, and after a theme change. */
  render(): void {
    this.chart?.destroy();
    this.canvas?.remove();
    const view = this.view;
    const theme = this.host.theme();
    const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(MAX_WIDTH / view.cols), Math.floor(MAX_HEIGHT / view.rows)));
    const cellH = view.rows === 1 ? Math.max(cell, 18) : cell;
    const hasY = view.yTicks.length > 0;
    const yAxis = hasY ? Y_AXIS : PAD;
    // The chart area is exactly the cells: the canvas adds the axes' fixed sizes and the padding.
    const width = view.cols * cell + yAxis + PAD;
    const height = view.rows * cellH + X_AXIS + PAD;
    const gap = cell >= 10 ? 1 : 0;
    this.index = new Map(view.cells.map((c, i) => [`${c.x},${c.y}`, i]));
    const canvas = h('canvas', { attrs: { role: 'presentation' } });
    canvas.width = width;
    canvas.height = height;
    this.canvas = canvas;
    this.box.append(canvas);
    this.box.setAttribute('aria-label', `${this.t.path} heatmap, ${view.caption} Use the arrow keys to move between cells.`);
    this.caption.textContent = view.caption;
    const xTicks = thin(view.xTicks, cell);
    const yTicks = thin(view.yTicks, cellH, 14);
    const xLabels = new Map(xTicks.map((t) => [t.at, t.label]));
    const yLabels = new Map(yTicks.map((t) => [t.at, t.label]));
    const fill = (c: ScriptableContext<'matrix'>) => {
      const target = view.cells[c.dataIndex];
      return target ? cellFill(target, this.host.tolerance, this.host.theme(), this.host.patterns(), this.host.fail) : 'transparent';
    };
    this.chart = new Chart(canvas, {
      type: 'matrix',
      data: {
        datasets: [
          {
            data: view.cells.map((c) => ({ x: c.x, y: c.y })),
            backgroundColor: fill,
            borderWidth: 0,
            width: ({ chart }) => (chart.chartArea ? chart.chartArea.width / view.cols - gap : 0),
            height: ({ chart }) => (chart.chartArea ? chart.chartArea.height / view.rows - gap : 0),
          },
        ],
      },
      options: {
        responsive: false,
        animation: false,
        events: ['mousemove', 'mouseout', 'click'],
        layout: { padding: { left: hasY ? 0 : PAD, right: PAD, top: PAD, bottom: 0 } },
        interaction: { mode: 'nearest', intersect: true },
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: {
          x: {
            type: 'linear',
            position: 'bottom',
            // The matrix controller turns offset on, which pads the axis by half a tick interval.
            offset: false,
            min: -0.5,
            max: view.cols - 0.5,
            grid: { display: false },
            border: { display: false },
            afterBuildTicks: (axis) => {
              axis.ticks = xTicks.map((t) => ({ value: t.at }));
            },
            afterFit: (axis) => {
              axis.height = X_AXIS;
            },
            ticks: { autoSkip: false, maxRotation: 0, color: theme.muted, callback: (v) => xLabels.get(Number(v)) ?? '' },
            title: { display: !!view.xTitle, text: view.xTitle, color: theme.muted, padding: 0 },
          },
          y: {
            type: 'linear',
            display: hasY,
            offset: false,
            reverse: true,
            min: -0.5,
            max: view.rows - 0.5,
            grid: { display: false },
            border: { display: false },
            afterBuildTicks: (axis) => {
              axis.ticks = yTicks.map((t) => ({ value: t.at }));
            },
            afterFit: (axis) => {
              axis.width = hasY ? Y_AXIS : 0;
            },
            ticks: { autoSkip: false, color: theme.muted, callback: (v) => yLabels.get(Number(v)) ?? '' },
            title: { display: !!view.yTitle, text: view.yTitle, color: theme.muted, padding: 0 },
          },
        },
        onHover: (event, elements) => {
          const native = event.native as MouseEvent | null;
          canvas.style.cursor = elements.length ? 'pointer' : 'default';
          if (!elements.length || !native) return hideTooltip();
          const target = view.cells[elements[0].index];
          showTooltip(describeCell(this.t, target, !!this.canReveal()), native.clientX, native.clientY);
        },
        onClick: (_event, elements) => {
          if (!elements.length) return;
          this.focus = elements[0].index;
          this.activate(view.cells[this.focus]);
        },
      },
      plugins: [
        {
          id: 'gradlensOutline',
          afterDatasetsDraw: (chart) => this.drawOutlines(chart as Chart<'matrix'>),
        },
      ],
    });
    canvas.addEventListener('mouseleave', () => hideTooltip());
  }

  private canReveal(): boolean {
    return !!this.host.reveal && !!this.t.source;
  }

  /** The zoomed tile's outline, the keyboard cursor, and the chart area for tests and tools. */
  private drawOutlines(chart: Chart<'matrix'>): void {
    const { ctx, chartArea: area } = chart;
    const x = chart.scales.x;
    const y = chart.scales.y;
    const theme = this.host.theme();
    const rect = (x0: number, y0: number, x1: number, y1: number) => {
      const left = x.getPixelForValue(x0 - 0.5);
      const right = x.getPixelForValue(x1 - 0.5);
      const top = y.getPixelForValue(y0 - 0.5);
      const bottom = y.getPixelForValue(y1 - 0.5);
      return [left, top, right - left, bottom - top] as const;
    };
    ctx.save();
    const hl = this.view.highlight;
    if (hl) {
      ctx.strokeStyle = theme.fg;
      ctx.lineWidth = 2;
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(...rect(hl.x0, hl.y0, hl.x1, hl.y1));
      ctx.setLineDash([]);
    }
    // The worst element: corner brackets (a foreground stroke on a background halo, visible on any cell colour),
    // at least 10 px across so that it shows on the smallest cells.
    const worst = this.worstPosition();
    if (worst) {
      const [l, t, w, hgt] = rect(worst.x, worst.y, worst.x + 1, worst.y + 1);
      const side = Math.max(10, w + 4, hgt + 4);
      const x0 = l + w / 2 - side / 2;
      const y0 = t + hgt / 2 - side / 2;
      const arm = Math.max(3, side * 0.35);
      const corners = (): void => {
        ctx.beginPath();
        for (const [cx, cy, dx, dy] of [
          [x0, y0, 1, 1],
          [x0 + side, y0, -1, 1],
          [x0, y0 + side, 1, -1],
          [x0 + side, y0 + side, -1, -1],
        ]) {
          ctx.moveTo(cx + dx * arm, cy);
          ctx.lineTo(cx, cy);
          ctx.lineTo(cx, cy + dy * arm);
        }
        ctx.stroke();
      };
      ctx.lineCap = 'square';
      ctx.strokeStyle = theme.bg;
      ctx.lineWidth = 4;
      corners();
      // In a tensor that passes its largest error is worth finding, not worth alarm: drawn muted.
      const failing = this.t.worst!.state === 'fail' || this.t.worst!.state === 'nonfinite';
      ctx.strokeStyle = failing ? theme.fg : theme.muted;
      ctx.lineWidth = failing ? 2 : 1.5;
      corners();
      chart.canvas.dataset.worst = `${worst.x},${worst.y}`;
    } else {
      delete chart.canvas.dataset.worst;
    }
    const cell = this.view.cells[this.focus];
    if (cell && document.activeElement === this.box) {
      ctx.strokeStyle = theme.focus;
      ctx.lineWidth = 2.5;
      const [l, t, w, hgt] = rect(cell.x, cell.y, cell.x + 1, cell.y + 1);
      ctx.strokeRect(l - 1, t - 1, w + 2, hgt + 2);
    }
    ctx.restore();
    chart.canvas.dataset.area = [area.left, area.top, area.width, area.height].map((v) => Math.round(v * 100) / 100).join(',');
    chart.canvas.dataset.grid = `${this.view.cols}x${this.view.rows}`;
    chart.canvas.dataset.kind = this.view.kind;
  }

  private activate(cell: Cell | undefined): void {
    if (!cell) return;
    if (cell.drill) {
      const zoomed = drill(this.t, cell.drill, this.tensorIndex);
      if (!zoomed) return;
      hideTooltip();
      this.setView(zoomed, true);
      this.host.onZoom(this.t.path, cell.drill);
      this.render();
      if (document.activeElement === this.box) this.showFocus();
      return;
    }
    if (this.canReveal()) this.host.reveal!(this.t, cell.flat);
  }

  private setView(view: View, fromClick: boolean): void {
    this.view = view;
    this.zoomBar.hidden = !view.zoomed;
    this.root.classList.toggle('gl-zoomed', view.zoomed);
    // Put the cursor on the first cell of the tile that was opened.
    const hl = view.highlight;
    this.focus = hl ? view.cells.findIndex((c) => c.x >= hl.x0 && c.y >= hl.y0 && c.x < hl.x1 && c.y < hl.y1) : -1;
    if (fromClick) this.box.focus({ preventScroll: true });
  }

  private zoomOut(): void {
    if (!this.view.zoomed) return;
    hideTooltip();
    this.setView(overview(this.t, this.tensorIndex), false);
    this.host.onZoom(this.t.path, null);
    this.render();
    this.box.focus({ preventScroll: true });
    this.focus = this.worstCell();
    this.showFocus();
  }

  /** The cell of the tensor's worst element in the current view (its own, or its tile's); null when not in view. */
  private worstPosition(): { x: number; y: number } | null {
    const w = this.t.worst;
    if (!w || this.t.checked === 0 || w.state === 'unchecked') return null;
    const at = this.view.locate(w.flat);
    return at && this.index.has(`${at.x},${at.y}`) ? at : null;
  }

  /** Moves the cursor to the worst element and describes it (the header's "worst …" button). */
  private focusWorst(): void {
    // Zoomed into a window without it: back to the whole tensor, where every element has a cell.
    if (!this.worstPosition() && this.view.zoomed) {
      hideTooltip();
      this.setView(overview(this.t, this.tensorIndex), false);
      this.host.onZoom(this.t.path, null);
      this.render();
    }
    const at = this.worstPosition();
    const i = at ? this.index.get(`${at.x},${at.y}`) : undefined;
    if (i === undefined) return;
    this.focus = i;
    this.box.focus({ preventScroll: false });
    this.showFocus();
  }

  /** The cell to start the keyboard cursor on: the worst element's, else the worst-looking one. */
  private worstCell(): number {
    const at = this.worstPosition();
    const marked = at ? this.index.get(`${at.x},${at.y}`) : undefined;
    if (marked !== undefined) return marked;
    const rank = PRIORITY;
    let best = 0;
    this.view.cells.forEach((c, i) => {
      const b = this.view.cells[best];
      if (rank[c.state] > rank[b.state] || (rank[c.state] === rank[b.state] && (c.relErr ?? -1) > (b.relErr ?? -1))) best = i;
    });
    return best;
  }

  /** Next existing cell from (x, y) in a direction, skipping the gaps between slices. */
  private step(dx: number, dy: number): number {
    const cell = this.view.cells[this.focus];
    if (!cell) return 0;
    for (let k = 1; k <= Math.max(this.view.cols, this.view.rows); k++) {
      const i = this.index.get(`${cell.x + k * dx},${cell.y + k * dy}`);
      if (i !== undefined) return i;
    }
    return this.focus;
  }

  private onKey(e: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (this.focus < 0) this.focus = this.worstCell();
    if (e.key in moves) {
      this.focus = this.step(...moves[e.key]);
    } else if (e.key === 'Home') {
      this.focus = 0;
    } else if (e.key === 'End') {
      this.focus = this.view.cells.length - 1;
    } else if (e.key === 'Enter' || e.key === ' ') {
      this.activate(this.view.cells[this.focus]);
    } else if (e.key === 'Escape' && this.view.zoomed) {
      this.zoomOut();
    } else {
      return;
    }
    e.preventDefault();
    this.showFocus();
  }

  /** Draws the cursor and shows its description in the tooltip and the live region. */
  private showFocus(): void {
    const cell = this.view.cells[this.focus];
    if (!cell || !this.chart) return;
    this.chart.draw();
    const d = describeCell(this.t, cell, this.canReveal());
    this.live.textContent = [d.title, ...d.lines, d.action ?? ''].join('. ');
    const el = this.chart.getDatasetMeta(0).data[this.focus] as unknown as { getCenterPoint(): { x: number; y: number } } | undefined;
    const rect = this.canvas!.getBoundingClientRect();
    if (!el) return;
    const p = el.getCenterPoint();
    showTooltip(d, rect.left + p.x, rect.top + p.y);
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = null;
  }
}
