import { escape } from 'html-escaper';
import type { DayBar } from '../overview';
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
 * a tooltip, so colour is never the only carrier of meaning.
 */
export function dayStrip(days: readonly DayBar[], label: string): string {
  const step = 5;
  const bars = days
    .map((bar, i) => {
      const words = escape(describeDay(bar));
      const last = i === days.length - 1;
      return `<rect x="${i * step}" y="0" width="${step - 1}" height="32" rx="1" class="s-${bar.status}" role="img" tabindex="${last ? 0 : -1}" aria-label="${words}" data-detail="${words}"><title>${words}</title></rect>`;
    })
    .join('');
  return `<svg class="strip" viewBox="0 0 ${days.length * step - 1} 32" preserveAspectRatio="none" role="group" aria-label="${escape(label)}">${bars}</svg>`;
}

export interface BarRow {
  label: string;
  /** The bar's length as a share of the chart's width, 0–1. */
  share: number;
  text: string;
  status?: string;
}

/** A horizontal bar chart; the figures are also printed beside each bar. */
export function barChart(title: string, rows: readonly BarRow[]): string {
  const rowHeight = 22;
  const labelWidth = 190;
  const barWidth = 260;
  const height = rows.length * rowHeight + 4;
  const body = rows
    .map((row, i) => {
      const y = i * rowHeight + 4;
      const width = Math.max(2, Math.round(Math.min(1, Math.max(0, row.share)) * barWidth));
      return `<g><text x="0" y="${y + 13}" class="chart-label">${escape(row.label)}</text>`
        + `<rect x="${labelWidth}" y="${y + 2}" width="${width}" height="14" rx="2" class="bar ${row.status ? `s-${row.status}` : ''}"/>`
        + `<text x="${labelWidth + width + 6}" y="${y + 13}" class="chart-value">${escape(row.text)}</text></g>`;
    })
    .join('');
  return `<figure class="chart"><figcaption>${escape(title)}</figcaption>`
    + `<svg viewBox="0 0 ${labelWidth + barWidth + 110} ${height}" role="img" aria-label="${escape(title)}: ${escape(rows.map((r) => `${r.label} ${r.text}`).join('; '))}">${body}</svg></figure>`;
}

export interface LatencyRow {
  label: string;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Latency per row: a line from p50 to p99 with a mark at p95, on a shared linear scale. */
export function latencyChart(title: string, rows: readonly LatencyRow[]): string {
  const rowHeight = 22;
  const labelWidth = 190;
  const plotWidth = 260;
  const max = Math.max(1, ...rows.map((r) => r.p99 ?? 0));
  const x = (ms: number) => labelWidth + Math.round((ms / max) * plotWidth);
  const height = rows.length * rowHeight + 4;
  const body = rows
    .map((row, i) => {
      const y = i * rowHeight + 4;
      const label = `<text x="0" y="${y + 13}" class="chart-label">${escape(row.label)}</text>`;
      if (row.p50 === null || row.p95 === null || row.p99 === null) return `<g>${label}<text x="${labelWidth}" y="${y + 13}" class="chart-value">no data</text></g>`;
      return `<g>${label}<line x1="${x(row.p50)}" x2="${x(row.p99)}" y1="${y + 9}" y2="${y + 9}" class="range"/>`
        + `<circle cx="${x(row.p50)}" cy="${y + 9}" r="3" class="p50"/><rect x="${x(row.p95) - 2}" y="${y + 2}" width="4" height="14" class="p95"/>`
        + `<text x="${x(row.p99) + 6}" y="${y + 13}" class="chart-value">${escape(`p95 ${formatLatency(row.p95)}`)}</text></g>`;
    })
    .join('');
  const words = rows.map((r) => `${r.label}: p50 ${formatLatency(r.p50)}, p95 ${formatLatency(r.p95)}, p99 ${formatLatency(r.p99)}`).join('; ');
  return `<figure class="chart"><figcaption>${escape(title)} <span class="legend-inline">(dot p50 · bar p95 · line ends at p99)</span></figcaption>`
    + `<svg viewBox="0 0 ${labelWidth + plotWidth + 110} ${height}" role="img" aria-label="${escape(title)}: ${escape(words)}">${body}</svg></figure>`;
}
