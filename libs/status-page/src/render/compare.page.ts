import { escape } from 'html-escaper';
import type { VendorScore } from '@ledger/domain';
import type { Comparison } from '../status-page.service';
import { barChart, latencyChart } from './charts';
import { formatCount, formatDuration, formatInstant, formatLatency, isoDay, percentFloor } from './format';
import { page } from './layout';

/** Availability as successes / eligible requests (concepts §7), computed exactly from the counts. */
function availability(score: VendorScore): string | null {
  return score.eligibleRequests === 0 ? null : percentFloor(score.outcomes.successes, score.eligibleRequests, 3);
}

const percentCell = (value: string | null) => `<td class="num">${value === null ? '—' : `${escape(value)} %`}</td>`;
const minutesCell = (value: number | null) => `<td class="num">${value === null ? '—' : escape(formatDuration(Math.round(value)))}</td>`;
const numberCell = (value: string) => `<td class="num">${escape(value)}</td>`;
const nameOf = (s: VendorScore) => (s.model === null ? s.provider : `${s.provider} ${s.model}`);

function table(caption: string, scores: readonly VendorScore[]): string {
  const head = ['Rank', 'Provider / model', 'Availability', 'Operational minutes', 'Outages', 'Outage time', 'MTTR', 'MTBF', 'Longest', 'p50', 'p95', 'p99', 'TTFT p95', 'Requests', 'Errors', 'Timeouts', 'Rate-limited', 'Client errors'];
  const rows = scores
    .map((s) => `<tr>${numberCell(String(s.rank))}<th scope="row">${escape(nameOf(s))}</th>${percentCell(availability(s))}`
      + `${percentCell(s.operationalMinutesPercent === null ? null : Number(s.operationalMinutesPercent).toFixed(2))}${numberCell(formatCount(s.outages))}`
      + `${minutesCell(s.outageMinutes)}${minutesCell(s.mttrMinutes)}${minutesCell(s.mtbfMinutes)}${minutesCell(s.longestOutageMinutes)}`
      + `${numberCell(formatLatency(s.p50LatencyMs))}${numberCell(formatLatency(s.p95LatencyMs))}${numberCell(formatLatency(s.p99LatencyMs))}${numberCell(formatLatency(s.ttftP95Ms))}`
      + `${numberCell(formatCount(s.eligibleRequests))}${numberCell(formatCount(s.outcomes.errors))}${numberCell(formatCount(s.outcomes.timeouts))}`
      + `${numberCell(formatCount(s.outcomes.rateLimited))}${numberCell(formatCount(s.outcomes.clientErrors))}</tr>`)
    .join('');
  const headCells = head.map((h, i) => `<th scope="col"${i === 1 ? '' : ' class="num"'}>${h}</th>`).join('');
  return `<div class="scroll"><table><caption class="visually-hidden">${escape(caption)}</caption><thead><tr>${headCells}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function availabilityChart(scores: readonly VendorScore[]): string {
  const values = scores.map((s) => (s.eligibleRequests === 0 ? null : (100 * s.outcomes.successes) / s.eligibleRequests));
  // The axis starts just below the worst figure (to a tenth), so that 99.95 and 99.90 look different.
  const worst = Math.min(100, ...values.filter((v): v is number => v !== null));
  const low = Math.max(0, Math.floor((worst - 0.05) * 10) / 10);
  return barChart(
    `Availability, axis from ${low} % to 100 %`,
    scores.map((s, i) => ({
      label: nameOf(s),
      share: values[i] === null ? 0 : (values[i]! - low) / (100 - low),
      text: availability(s) === null ? 'no requests' : `${availability(s)} %`,
    })),
  );
}

/** `GET /status/compare`: the vendor comparison (concepts §7) as tables and small charts. */
export function comparePage(comparison: Comparison, nonce: string): string {
  const { from, to, providers, models } = comparison;
  const lastDay = new Date(to.getTime() - 1);
  const form = `<form class="window" method="get" action="/status/compare" aria-label="Window">
<label>From (UTC day)<input type="date" name="from" value="${isoDay(from.getTime())}" required></label>
<label>To, inclusive (UTC day)<input type="date" name="to" value="${isoDay(lastDay.getTime())}" required></label>
<button type="submit">Compare</button></form>`;
  const empty = models.length === 0 ? '<p class="muted">No requests in this window.</p>' : '';
  const body = `<section class="card" aria-labelledby="window-title"><h2 id="window-title">Vendor reliability, ${escape(formatInstant(from.getTime()))} to ${escape(formatInstant(to.getTime()))}</h2>
<p class="muted small">Ranked by availability (successful / eligible requests), then p95 latency. Outages are those that start in the window, with their whole duration. Latencies are of successful requests, within 2 % of exact.</p>${form}${empty}</section>
${providers.length === 0 ? '' : `<section class="card" aria-labelledby="providers-title"><h2 id="providers-title">Providers (all their models)</h2>${table('Providers ranked', providers)}</section>`}
${models.length === 0 ? '' : `<section class="card" aria-labelledby="models-title"><h2 id="models-title">Models</h2>
${availabilityChart(models)}
${latencyChart('Latency of successful requests', models.map((s) => ({ label: nameOf(s), p50: s.p50LatencyMs, p95: s.p95LatencyMs, p99: s.p99LatencyMs })))}
${table('Models ranked', models)}</section>`}`;
  return page({ title: 'Compare AI vendors', current: 'compare', nonce, body });
}
