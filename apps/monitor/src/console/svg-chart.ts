import { html, type SafeHtml } from './html';

// Inline SVG time-series charts (no script, no external file), one polyline per series.

export interface ChartSeries {
  name: string;
  /** A CSS class from console.css (colour). */
  className: string;
  values: number[];
}

const W = 720;
const H = 180;
const PAD = { left: 44, right: 8, top: 10, bottom: 24 };

export function lineChart(title: string, labels: string[], series: ChartSeries[]): SafeHtml {
  const n = Math.max(1, labels.length);
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) => PAD.left + (n === 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const ticks = [0, Math.round(max / 2), max];
  const labelEvery = Math.max(1, Math.ceil(n / 6));
  return html`<figure class="chart">
  <svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg">
    <title>${title}</title>
    ${ticks.map((t) => html`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/><text class="axis" x="${PAD.left - 4}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`)}
    ${labels.map((l, i) => (i % labelEvery === 0 ? html`<text class="axis" x="${x(i).toFixed(1)}" y="${H - 6}" text-anchor="middle">${l}</text>` : ''))}
    ${series.map((s) => html`<polyline class="series ${s.className}" fill="none" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"><title>${s.name}</title></polyline>`)}
  </svg>
  <figcaption>${series.map((s) => html`<span class="legend ${s.className}">${s.name}</span> `)}</figcaption>
</figure>`;
}
