// The bar chart of the largest relative error per layer (per tensor for fn and layer declarations), on a log
// scale with the tolerance drawn across it: which layer to look at first, at a glance.

import type { DeclarationReport, TensorResult } from '../core/report/types';
import { Chart } from './charts';
import { h } from './dom';
import { formatError, formatPower } from './format';
import { LOG_MAX, LOG_MIN, rampColor, scalePosition, toCss } from './scale';
import type { Theme } from './theme';
import { hideTooltip, showTooltip } from './tooltip';

export interface Bar {
  label: string;
  /** Largest relative error (elements, else directions); null when nothing was compared. */
  value: number | null;
  failing: boolean;
  tensors: TensorResult[];
}

/** Relative error of a tensor: over its elements, or over its directions in fast mode. */
export function tensorRelErr(t: TensorResult): number | null {
  if (t.maxRelErr !== null) return t.maxRelErr;
  let max: number | null = null;
  for (const d of t.directions) {
    const scale = Math.max(Math.abs(d.analytic), Math.abs(d.numeric));
    const rel = scale === 0 ? 0 : Math.abs(d.analytic - d.numeric) / scale;
    max = max === null ? rel : Math.max(max, rel);
  }
  return max;
}

export function barsOf(report: DeclarationReport): Bar[] {
  const byLayer = report.kind === 'model';
  const bars = new Map<string, Bar>();
  for (const t of report.tensors) {
    const label = byLayer ? t.group || t.path : t.path;
    const bar = bars.get(label) ?? { label, value: null, failing: false, tensors: [] };
    const rel = tensorRelErr(t);
    if (rel !== null) bar.value = bar.value === null ? rel : Math.max(bar.value, rel);
    bar.failing ||= t.status === 'fail' || t.status === 'error';
    bar.tensors.push(t);
    bars.set(label, bar);
  }
  return [...bars.values()];
}

const FLOOR = 10 ** LOG_MIN;

export class BarChart {
  readonly root: HTMLElement;
  private chart: Chart<'bar'> | null = null;
  private readonly bars: Bar[];

  constructor(private readonly report: DeclarationReport, private readonly theme: () => Theme) {
    this.bars = barsOf(report);
    const what = report.kind === 'model' ? 'layer' : 'tensor';
    const summary = this.bars.map((b) => `${b.label}: ${b.value === null ? 'not compared' : formatError(b.value)}${b.failing ? ' (fails)' : ''}`).join('; ');
    this.root = h(
      'figure',
      { class: 'gl-bars' },
      h('figcaption', { text: `Largest relative error per ${what}` }),
      h('div', { class: 'gl-bars-box', attrs: { role: 'img', 'aria-label': `Largest relative error per ${what}: ${summary}` } }),
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
    canvas.width = Math.min(900, Math.max(280, 90 + this.bars.length * 64));
    canvas.height = 200;
    box.append(canvas);
    const bars = this.bars;
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: bars.map((b) => b.label),
        datasets: [
          {
            data: bars.map((b) => (b.value === null ? null : Math.min(10 ** LOG_MAX, Math.max(FLOOR, b.value)))),
            backgroundColor: bars.map((b) => toCss(rampColor(scalePosition(b.value), b.failing, tolPos, theme.ramps))),
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
          x: { grid: { display: false }, ticks: { color: theme.fg } },
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
        },
        onHover: (event, elements) => {
          const native = event.native as MouseEvent | null;
          if (!elements.length || !native) return hideTooltip();
          const bar = bars[elements[0].index];
          const lines = bar.tensors.map((t) => `${t.path}: ${formatError(tensorRelErr(t))} (${t.status})`);
          showTooltip({ title: `${bar.label}: ${bar.value === null ? 'not compared' : formatError(bar.value)}`, lines, action: null }, native.clientX, native.clientY);
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
