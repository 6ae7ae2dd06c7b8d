// The bar chart of the largest relative error per layer (per tensor for fn and layer declarations), on a log
// scale with the tolerance drawn across it: which layer to look at first, at a glance. A tensor with no element
// compared is measured by the directions through it alone: their largest margin (|deviation| / tolerance), drawn
// hatched at margin × rtol so that the tolerance line means "fails above" for both, and read off a second axis.

import type { DeclarationReport, TensorResult } from '../core/report/types';
import { Chart } from './charts';
import { h } from './dom';
import { formatError, formatPower } from './format';
import { hatchedFill } from './patterns';
import { type FailRange, LOG_MAX, LOG_MIN, rampColor, scalePosition, toCss } from './scale';
import { directionState, hasCompared, jointDirections, maxMargin, measure, measureWords, type TensorMeasure } from './summary';
import type { Theme } from './theme';
import { hideTooltip, showTooltip } from './tooltip';

export interface Bar {
  label: string;
  /** A second label line: 'directions only', 'joint directions'. */
  sublabel: string | null;
  /** Height on the relative-error axis (a relative error, or a margin × rtol); null when nothing to plot. */
  value: number | null;
  /** Whether the height is a direction margin (drawn hatched). */
  fromDirections: boolean;
  /** The margin shown, when the height is one. */
  margin: number | null;
  failing: boolean;
  tensors: TensorResult[];
  measures: TensorMeasure[];
  /** The bar of the directions through every tensor at once. */
  joint: boolean;
}

/** Relative error of a tensor over its compared elements (null when none was compared). */
export function tensorRelErr(t: TensorResult): number | null {
  return hasCompared(t) ? t.maxRelErr : null;
}

export function barsOf(report: DeclarationReport): Bar[] {
  const byLayer = report.kind === 'model';
  const rtol = report.tolerance.rtol;
  const joint = jointDirections(report);
  const bars = new Map<string, Bar>();
  for (const t of report.tensors) {
    const label = byLayer ? t.group || t.path : t.path;
    const bar = bars.get(label) ?? {
      label,
      sublabel: null,
      value: null,
      fromDirections: false,
      margin: null,
      failing: false,
      tensors: [],
      measures: [],
      joint: false,
    };
    const m = measure(t, rtol, joint);
    if (m.value !== null && (bar.value === null || m.value > bar.value)) {
      bar.value = m.value;
      bar.fromDirections = m.fromDirections;
      bar.margin = m.fromDirections ? m.margin : null;
    }
    bar.failing ||= t.status === 'fail' || t.status === 'error';
    bar.tensors.push(t);
    bar.measures.push(m);
    bars.set(label, bar);
  }
  const out = [...bars.values()];
  for (const bar of out) {
    const byDirections = bar.tensors.filter((_, i) => bar.measures[i].basis === 'directions' || bar.measures[i].basis === 'joint');
    if (byDirections.length && byDirections.length === bar.tensors.length) bar.sublabel = 'directions only';
    else if (byDirections.length) {
      // 'W: directions only' in layer 'dec' (the tensor's name within its layer).
      const names = byDirections.map((t) => (t.group && t.path.startsWith(`${t.group}.`) ? t.path.slice(t.group.length + 1) : t.path));
      bar.sublabel = `${names.join(', ')}: directions only`;
    }
  }
  // The joint directions get their own bar when a tensor has nothing else to show for itself.
  if (joint.length && out.some((b) => b.measures.some((m) => m.basis === 'joint'))) {
    const margin = maxMargin(joint);
    out.unshift({
      label: 'all tensors',
      sublabel: 'joint directions',
      value: margin === null ? null : margin * rtol,
      fromDirections: margin !== null,
      margin,
      failing: joint.some((d) => directionState(d) === 'fail'),
      tensors: [],
      measures: [],
      joint: true,
    });
  }
  return out;
}

/** A bar's value in words, for its tooltip title and the chart's text alternative. */
function barWords(b: Bar): string {
  if (b.value === null) return b.measures.some((m) => m.basis === 'joint') ? 'only checked together with the other tensors' : 'not compared';
  return b.fromDirections ? `direction margin ${formatError(b.margin)}` : `max rel. err ${formatError(b.value)}`;
}

const FLOOR = 10 ** LOG_MIN;

export class BarChart {
  readonly root: HTMLElement;
  private chart: Chart<'bar'> | null = null;
  private readonly bars: Bar[];

  constructor(
    private readonly report: DeclarationReport,
    private readonly theme: () => Theme,
    private readonly fail: FailRange | null = null,
  ) {
    this.bars = barsOf(report);
    const what = report.kind === 'model' ? 'layer' : 'tensor';
    const summary = this.bars.map((b) => `${b.label}: ${b.sublabel ? `${b.sublabel}, ` : ''}${barWords(b)}${b.failing ? ' (fails)' : ''}`).join('; ');
    const margins = this.bars.some((b) => b.fromDirections);
    const title = `Largest relative error per ${what}`;
    this.root = h(
      'figure',
      { class: 'gl-bars' },
      h('figcaption', { text: title }),
      h('div', { class: 'gl-bars-box', attrs: { role: 'img', 'aria-label': `${title}: ${summary}` } }),
      margins
        ? h('p', {
            class: 'gl-caption',
            text: 'Hatched bars: no element compared; the height is the largest margin (|deviation| / tolerance) of the directions through the tensor alone, read on the right-hand axis, where the tolerance line is 1. The colour is the verdict: a direction within rtol or across a kink can exceed 1 and still pass.',
          })
        : '',
    );
    this.render();
  }

  render(): void {
    this.chart?.destroy();
    const box = this.root.querySelector('.gl-bars-box')!;
    box.replaceChildren();
    const theme = this.theme();
    const rtol = this.report.tolerance.rtol;
    const tolPos = scalePosition(rtol);
    const canvas = h('canvas');
    const margins = this.bars.some((b) => b.fromDirections);
    // Two-line labels ('W: directions only') need wider slots; chart.js would otherwise skip some.
    const slot = this.bars.some((b) => b.sublabel) ? 120 : 64;
    canvas.width = Math.min(900, Math.max(280, 90 + (margins ? 56 : 0) + this.bars.length * slot));
    canvas.height = 200;
    box.append(canvas);
    const bars = this.bars;
    const fill = (b: Bar) => {
      const rgb = rampColor(scalePosition(b.value), b.failing, tolPos, theme.ramps, this.fail);
      return b.fromDirections ? hatchedFill(rgb, theme) : toCss(rgb);
    };
    // Margin decades 4 apart around 1 (the tolerance), within the plotted range.
    const marginTicks: number[] = [];
    for (let e = -24; e <= 24; e += 4) {
      const v = 10 ** e * rtol;
      if (v >= FLOOR * 0.999 && v <= 10 ** LOG_MAX * 1.001) marginTicks.push(e);
    }
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: bars.map((b) => (b.sublabel ? [b.label, b.sublabel] : b.label)),
        datasets: [
          {
            data: bars.map((b) => (b.value === null ? null : Math.min(10 ** LOG_MAX, Math.max(FLOOR, b.value)))),
            backgroundColor: bars.map(fill),
            borderColor: theme.border,
            borderWidth: 1,
            maxBarThickness: 48,
          },
        ],
      },
      options: {
        responsive: false,
        animation: false,
        events: ['mousemove', 'mouseout'],
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: {
          x: { grid: { display: false }, ticks: { color: theme.fg, autoSkip: false, maxRotation: 0 } },
          y: {
            type: 'logarithmic',
            min: FLOOR,
            max: 10 ** LOG_MAX,
            grid: { color: theme.border },
            afterBuildTicks: (axis) => {
              axis.ticks = [-16, -12, -8, -4, 0].map((e) => ({ value: 10 ** e }));
            },
            ticks: { color: theme.muted, callback: (v) => formatPower(Math.round(Math.log10(Number(v)))) },
            title: { display: true, text: 'relative error', color: theme.muted },
          },
          margin: {
            type: 'logarithmic',
            display: margins,
            position: 'right',
            min: FLOOR,
            max: 10 ** LOG_MAX,
            grid: { display: false },
            afterBuildTicks: (axis) => {
              axis.ticks = marginTicks.map((e) => ({ value: 10 ** e * rtol }));
            },
            ticks: { color: theme.muted, callback: (v) => formatPower(Math.round(Math.log10(Number(v) / rtol))) },
            title: { display: true, text: 'direction margin', color: theme.muted },
          },
        },
        onHover: (event, elements) => {
          const native = event.native as MouseEvent | null;
          if (!elements.length || !native) return hideTooltip();
          const bar = bars[elements[0].index];
          const lines = bar.joint
            ? ['directions through every tensor at once:', 'whether all gradients together agree, not which one is wrong']
            : bar.tensors.map((t, i) => `${t.path}: ${measureWords(t, bar.measures[i])} (${t.status})`);
          showTooltip({ title: `${bar.label}: ${barWords(bar)}`, lines, action: null }, native.clientX, native.clientY);
        },
      },
      plugins: [
        {
          // The tolerance line across the plot, labelled at its right end.
          id: 'gradlensTolerance',
          afterDatasetsDraw: (chart) => {
            const { ctx, chartArea: area } = chart;
            const y = chart.scales.y.getPixelForValue(rtol);
            ctx.save();
            ctx.strokeStyle = theme.tolerance;
            ctx.lineWidth = 1.5;
            ctx.setLineDash([6, 4]);
            ctx.beginPath();
            ctx.moveTo(area.left, y);
            ctx.lineTo(area.right, y);
            ctx.stroke();
            // On a plate of the background colour, so it stays readable where it crosses a bar.
            const label = `tolerance ${formatError(rtol)}`;
            ctx.font = `11px ${theme.font}`;
            const w = ctx.measureText(label).width;
            ctx.fillStyle = theme.bg;
            ctx.globalAlpha = 0.85;
            ctx.fillRect(area.right - w - 5, y - 17, w + 5, 14);
            ctx.globalAlpha = 1;
            ctx.fillStyle = theme.fg;
            ctx.textAlign = 'right';
            ctx.textBaseline = 'bottom';
            ctx.fillText(label, area.right - 2, y - 4);
            ctx.restore();
          },
        },
      ],
    });
    canvas.addEventListener('mouseleave', () => hideTooltip());
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = null;
  }
}
