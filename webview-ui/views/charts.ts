/** Chart.js setup: registers only the bar chart pieces and themes charts from VS Code's CSS variables. */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Colours read from the current theme. */
interface Palette { fg: string; grid: string; input: string; output: string; font: string }

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

function palette(): Palette {
  return {
    fg: cssVar('--vscode-foreground', '#cccccc'),
    grid: cssVar('--vscode-panel-border', 'rgba(128,128,128,0.35)'),
    input: cssVar('--vscode-charts-blue', '#3794ff'),
    output: cssVar('--vscode-charts-green', '#89d185'),
    font: cssVar('--vscode-font-family', 'sans-serif'),
  };
}

/** Data for a two-series (input/output tokens) bar chart. */
export interface TokenSeries { labels: string[]; input: number[]; output: number[]; inputLabel: string; outputLabel: string }

/** A stacked token bar chart that can be refreshed with new data or a new theme. */
export class TokenChart {
  private chart: Chart<'bar'>;

  constructor(canvas: HTMLCanvasElement, private readonly horizontal: boolean) {
    this.chart = this.build(canvas, { labels: [], input: [], output: [], inputLabel: '', outputLabel: '' });
  }

  private build(canvas: HTMLCanvasElement, data: TokenSeries): Chart<'bar'> {
    const p = palette();
    const axis = { stacked: true, ticks: { color: p.fg, font: { family: p.font } }, grid: { color: p.grid }, border: { color: p.grid } };
    return new Chart(canvas, {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: [
          { label: data.inputLabel, data: data.input, backgroundColor: p.input },
          { label: data.outputLabel, data: data.output, backgroundColor: p.output },
        ],
      },
      options: {
        indexAxis: this.horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        // No animation: charts update on every live request, and tests read them right away.
        animation: false,
        scales: { x: axis, y: axis },
        plugins: { legend: { labels: { color: p.fg, font: { family: p.font } } } },
      },
    });
  }

  /** Replaces the data. */
  set(data: TokenSeries): void {
    const c = this.chart;
    c.data.labels = data.labels;
    const [a, b] = c.data.datasets;
    if (a && b) {
      a.data = data.input;
      a.label = data.inputLabel;
      b.data = data.output;
      b.label = data.outputLabel;
    }
    c.update();
  }

  /** Rebuilds with the current theme's colours (VS Code swaps CSS variables on theme change). */
  retheme(): void {
    const canvas = this.chart.canvas;
    const data = this.chart.data;
    const series: TokenSeries = {
      labels: (data.labels ?? []).map(String),
      input: (data.datasets[0]?.data ?? []).map(Number),
      output: (data.datasets[1]?.data ?? []).map(Number),
      inputLabel: data.datasets[0]?.label ?? '',
      outputLabel: data.datasets[1]?.label ?? '',
    };
    this.chart.destroy();
    this.chart = this.build(canvas, series);
  }
}
