// The chart.js pieces the view uses, registered once (importing them one by one keeps the bundle small).

import { BarController, BarElement, CategoryScale, Chart, LinearScale, LogarithmicScale } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import type { Theme } from './theme';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, MatrixController, MatrixElement);

/** Chart-wide defaults that follow the theme; call before creating charts after a theme change. */
export function applyChartTheme(theme: Theme): void {
  Chart.defaults.color = theme.fg;
  Chart.defaults.borderColor = theme.border;
  Chart.defaults.font.family = theme.font;
  Chart.defaults.font.size = 11;
  Chart.defaults.animation = false;
}

export { Chart };
