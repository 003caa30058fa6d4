import { escape } from 'html-escaper';
import { DAY_MS, DayBar } from '../overview';
import { formatCount, formatDay, formatLatency, percentFloor, STATUS_LABEL } from './format';

/** What a day's bar says in words: its date, worst status and availability. */
export function describeDay(bar: DayBar): string {
  const requests = bar.eligible === 0
    ? 'no requests'
    : `${percentFloor(bar.successes, bar.eligible)} % of ${formatCount(bar.eligible)} requests succeeded`;
  return `${formatDay(bar.day)}: ${STATUS_LABEL[bar.status]}, ${requests}`;
}

/**
 * A strip of daily bars coloured by each day's worst status. One tab stop: arrow keys move
 * between days (roving tabindex, see the page script); each bar has its words as a label and
 * a tooltip, so colour is never the only carrier of meaning. On a phone the script narrows the
 * view to the last 30 days, so that a bar is wide enough to tap, and a tap anywhere on the strip
 * picks the day under it.
 */
export function dayStrip(days: readonly DayBar[], label: string, bands: readonly { start: number; end: number }[] = []): string {
  const step = 5;
  const first = days[0]?.day ?? 0;
  // Routed-away time as a band across the top of the bars, placed by the hour (x in days × step);
  // not a control: the bars under it stay the targets, and the words come with the strip.
  const x = (ms: number) => Math.min(days.length * step, Math.max(0, (ms / DAY_MS - first) * step));
  const marks = bands
    .map((b) => ({ from: x(b.start), to: x(b.end) }))
    .filter((b) => b.to > b.from)
    .map((b) => `<rect x="${round(b.from)}" y="0" width="${round(Math.max(0.6, b.to - b.from))}" height="7" class="routed" aria-hidden="true"/>`)
    .join('');
  const bars = days
    .map((bar, i) => {
      const words = escape(describeDay(bar));
      const last = i === days.length - 1;
      return `<rect x="${i * step}" y="0" width="${step - 1}" height="32" rx="1" class="s-${bar.status}" role="img" tabindex="${last ? 0 : -1}" aria-label="${words}" data-detail="${words}" data-day="${escape(formatDay(bar.day))}"><title>${words}</title></rect>`;
    })
    .join('');
  return `<svg class="strip" viewBox="0 0 ${days.length * step - 1} 32" preserveAspectRatio="none" role="group" aria-label="${escape(label)}">${bars}${marks}</svg>`;
}

const round = (n: number) => Math.round(n * 100) / 100;

export interface BarRow {
  label: string;
  /** The bar's length as a share of the chart's width, 0–1. */
  share: number;
  text: string;
  status?: string;
}

/** The share of the track, in the track's 0–100 coordinates (a bar never vanishes). */
const trackLength = (share: number) => Math.max(0.5, Math.round(Math.min(1, Math.max(0, share)) * 1000) / 10);

/**
 * A chart as rows of HTML: the label and the figure are text (at the page's size on any screen,
 * and wrapping on a phone), the mark between them a small SVG stretched to the row's track (an
 * attribute, not an inline style, so the page's CSP holds). The whole figure reads as one image
 * whose label carries every figure in words.
 */
function chartRows(title: string, legend: string, words: string, rows: readonly { label: string; mark: string; text: string }[]): string {
  const items = rows
    .map((row) => `<li><span class="chart-label">${escape(row.label)}</span>`
      + `<svg class="chart-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">${row.mark}</svg>`
      + `<span class="chart-value">${escape(row.text)}</span></li>`)
    .join('');
  return `<figure class="chart"><figcaption>${escape(title)}${legend === '' ? '' : ` <span class="legend-inline">${escape(legend)}</span>`}</figcaption>`
    + `<ol class="chart-rows" role="img" aria-label="${escape(`${title}: ${words}`)}">${items}</ol></figure>`;
}

/** A horizontal bar chart; the figures are also printed beside each bar. */
export function barChart(title: string, rows: readonly BarRow[]): string {
  return chartRows(title, '', rows.map((r) => `${r.label} ${r.text}`).join('; '), rows.map((row) => ({
    label: row.label,
    mark: `<rect x="0" y="1" width="${trackLength(row.share)}" height="8" class="bar${row.status ? ` s-${row.status}` : ''}"/>`,
    text: row.text,
  })));
}

export interface LatencyRow {
  label: string;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Latency per row: a line from p50 to p99 with marks at p50 and p95, on a shared linear scale. */
export function latencyChart(title: string, rows: readonly LatencyRow[]): string {
  const max = Math.max(1, ...rows.map((r) => r.p99 ?? 0));
  const x = (ms: number) => Math.round((ms / max) * 980) / 10;
  const words = rows.map((r) => `${r.label}: p50 ${formatLatency(r.p50)}, p95 ${formatLatency(r.p95)}, p99 ${formatLatency(r.p99)}`).join('; ');
  return chartRows(title, '(thin mark p50 · thick mark p95 · line ends at p99)', words, rows.map((row) => {
    if (row.p50 === null || row.p95 === null || row.p99 === null) return { label: row.label, mark: '', text: 'no data' };
    return {
      label: row.label,
      mark: `<rect x="${x(row.p50)}" y="4" width="${Math.max(0.3, x(row.p99) - x(row.p50))}" height="2" class="range"/>`
        + `<rect x="${x(row.p50)}" y="1" width="0.6" height="8" class="p50"/><rect x="${Math.min(99, x(row.p95))}" y="0" width="1.2" height="10" class="p95"/>`,
      text: `p95 ${formatLatency(row.p95)}`,
    };
  }));
}
