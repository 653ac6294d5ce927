/**
 * A hand-written SVG line chart: one polyline per series over x = 0, 1, 2, ... (seconds), a
 * logarithmic y axis (attempts per second span 1 to 10^5), axes with ticks, a legend and a
 * horizontal reference line.
 */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
  /** SVG stroke-dasharray, e.g. `2 3` (default: solid). */
  readonly dash?: string;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly reference?: { readonly value: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
  /** Last x shown (defaults to the longest series). */
  readonly xMax?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (v >= 1e6 ? `${v / 1e6}M` : v >= 1000 ? `${v / 1000}k` : String(v));

function niceStep(span: number): number {
  const raw = span / 8;
  const mag = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

export function lineChartSvg(o: ChartOptions): string {
  const W = o.width ?? 960;
  const H = o.height ?? 540;
  const m = { left: 80, right: 170, top: 50, bottom: 60 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xMax = Math.max(1, o.xMax ?? Math.max(...o.series.map((s) => s.values.length - 1)));
  const yTop = Math.max(10, ...o.series.flatMap((s) => s.values), o.reference?.value ?? 0);
  const decades = Math.ceil(Math.log10(yTop + 1));
  const x = (v: number) => m.left + (v / xMax) * pw;
  const y = (v: number) => m.top + ph - (Math.log10(v + 1) / decades) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">${esc(o.title)}</text>`,
  ];
  // Axes, grid and ticks.
  for (let d = -1; d <= decades; d += 1) {
    const v = d < 0 ? 0 : 10 ** d;
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`);
  }
  const step = niceStep(xMax);
  for (let v = 0; v <= xMax; v += step) {
    out.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="black"/>`);
    out.push(`<text x="${x(v).toFixed(1)}" y="${m.top + ph + 20}" text-anchor="middle">${v}</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="black"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="black"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 15}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(20 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  // Series.
  o.series.forEach((s, i) => {
    const pts = s.values.slice(0, xMax + 1).map((v, t) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const dash = s.dash !== undefined ? ` stroke-dasharray="${esc(s.dash)}"` : '';
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5"${dash} points="${pts}"/>`);
    const ly = m.top + 10 + i * 20;
    out.push(`<line x1="${m.left + pw + 15}" x2="${m.left + pw + 40}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"${dash}/>`);
    out.push(`<text x="${m.left + pw + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  if (o.reference) {
    const ry = y(o.reference.value).toFixed(1);
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${ry}" y2="${ry}" stroke="black" stroke-dasharray="6 4"/>`);
    const ly = m.top + 10 + o.series.length * 20;
    out.push(`<line x1="${m.left + pw + 15}" x2="${m.left + pw + 40}" y1="${ly}" y2="${ly}" stroke="black" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${m.left + pw + 46}" y="${ly + 4}">${esc(o.reference.label)}</text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
