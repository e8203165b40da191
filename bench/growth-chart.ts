/**
 * A small log-log line chart as SVG text, for bench/growth.ts: no library,
 * one file a reader can open in a browser or see rendered on a repository page.
 */

/** One line: a name and its points [x, y] (x rows, y milliseconds), x ascending. */
export interface Series {
  readonly name: string;
  readonly points: [number, number][];
}

const W = 720;
const H = 420;
const PAD = { left: 70, right: 20, top: 40, bottom: 110 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

/** XML-escape text for an SVG text node. */
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Powers of ten spanning [lo, hi], for gridlines on a log axis. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); 10 ** e <= hi * 1.0001; e++)
    if (10 ** e >= lo / 1.0001) out.push(10 ** e);
  return out;
}

const label = (v: number, unit: 'rows' | 'ms'): string =>
  unit === 'rows' ? (v >= 1000 ? `${v / 1000}k` : String(v)) : v >= 1000 ? `${v / 1000} s` : `${v} ms`;

/**
 * The chart: x = rows, y = wall time, both log scale; one polyline and
 * marker set per series, a legend under the plot.
 */
export function growthChart(title: string, series: readonly Series[]): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const x0 = Math.log10(Math.min(...xs));
  const x1 = Math.log10(Math.max(...xs));
  const y0 = Math.floor(Math.log10(Math.min(...ys)));
  const y1 = Math.ceil(Math.log10(Math.max(...ys)));
  const px = (x: number): number =>
    PAD.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
  const py = (y: number): number =>
    H - PAD.bottom - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (const y of decades(10 ** y0, 10 ** y1)) {
    out.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end">${label(y, 'ms')}</text>`,
    );
  }
  for (const x of [...new Set(xs)]) {
    out.push(
      `<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#eee"/>`,
      `<text x="${px(x).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${label(x, 'rows')}</text>`,
    );
  }
  out.push(
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - PAD.bottom + 34}" text-anchor="middle">dataset rows (synthetic, ~81 bytes a row; log scale)</text>`,
    `<text transform="translate(16 ${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">wall time (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts}"/>`);
    for (const [x, y] of s.points) {
      out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${colour}"/>`);
    }
    const ly = H - PAD.bottom + 56 + i * 16;
    out.push(
      `<line x1="${PAD.left}" x2="${PAD.left + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${PAD.left + 30}" y="${ly}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
