import { escape } from 'html-escaper';
import type { VendorScore } from '@ledger/domain';
import type { ProviderAccuracy } from '@ledger/provider-status';
import type { Comparison } from '../status-page.service';
import { barChart, latencyChart } from './charts';
import { formatCompact, formatCount, formatDuration, formatInstant, formatLatency, isoDay, percentFloor } from './format';
import { page } from './layout';

/** Availability as successes / eligible requests (concepts §7), computed exactly from the counts. */
function availability(score: VendorScore): string | null {
  return score.eligibleRequests === 0 ? null : percentFloor(score.outcomes.successes, score.eligibleRequests, 3);
}

const percentCell = (value: string | null) => `<td class="num">${value === null ? '—' : `${escape(value)} %`}</td>`;
/** A duration; `words` lets it wrap between its words in a narrow column ("1 h / 33 min"). */
const minutesCell = (value: number | null, wrap = false) =>
  `<td class="num${wrap ? ' words' : ''}">${value === null ? '—' : escape(formatDuration(Math.round(value)))}</td>`;
const numberCell = (value: string) => `<td class="num">${escape(value)}</td>`;
const nameOf = (s: VendorScore) => (s.model === null ? s.provider : `${s.provider} ${s.model}`);

/** A column of the comparison tables: its heading and its cell for a row. */
interface Column {
  head: string;
  cell: (s: VendorScore) => string;
}

const COLUMNS = {
  // Headings are HTML: soft hyphens let the long ones break in a phone's narrow columns.
  availability: { head: 'Avail&shy;ability', cell: (s) => percentCell(availability(s)) },
  operational: { head: 'Operational minutes', cell: (s) => percentCell(s.operationalMinutesPercent === null ? null : Number(s.operationalMinutesPercent).toFixed(2)) },
  outages: { head: 'Outages', cell: (s) => numberCell(formatCount(s.outages)) },
  outageTime: { head: 'Outage time', cell: (s) => minutesCell(s.outageMinutes, true) },
  mttr: { head: 'MTTR', cell: (s) => minutesCell(s.mttrMinutes) },
  mtbf: { head: 'MTBF', cell: (s) => minutesCell(s.mtbfMinutes) },
  longest: { head: 'Longest', cell: (s) => minutesCell(s.longestOutageMinutes) },
  p50: { head: 'p50', cell: (s) => numberCell(formatLatency(s.p50LatencyMs)) },
  p95: { head: 'p95', cell: (s) => numberCell(formatLatency(s.p95LatencyMs)) },
  p99: { head: 'p99', cell: (s) => numberCell(formatLatency(s.p99LatencyMs)) },
  ttft: { head: 'TTFT p95', cell: (s) => numberCell(formatLatency(s.ttftP95Ms)) },
  requests: { head: 'Requests', cell: (s) => numberCell(formatCount(s.eligibleRequests)) },
  errors: { head: 'Errors', cell: (s) => numberCell(formatCount(s.outcomes.errors)) },
  timeouts: { head: 'Timeouts', cell: (s) => numberCell(formatCount(s.outcomes.timeouts)) },
  rateLimited: { head: 'Rate-limited', cell: (s) => numberCell(formatCount(s.outcomes.rateLimited)) },
  clientErrors: { head: 'Client errors', cell: (s) => numberCell(formatCount(s.outcomes.clientErrors)) },
} satisfies Record<string, Column>;

/** What a reader compares first; they fit a phone. */
const KEY_COLUMNS: Column[] = [
  COLUMNS.availability, COLUMNS.outageTime, COLUMNS.p95,
  // Compact in the narrow table ("459.1K"); the exact count is its title and in the full table.
  { head: 'Re&shy;quests', cell: (s) => `<td class="num" title="${escape(formatCount(s.eligibleRequests))}">${escape(formatCompact(s.eligibleRequests))}</td>` },
];
/** Every figure, one click away (a wide table that scrolls sideways on small screens, and says so). */
const ALL_COLUMNS: Column[] = Object.values(COLUMNS);

/** A row's name: provider and model as separate words, so that a narrow column breaks between them. */
const nameCell = (s: VendorScore) =>
  `<th scope="row">${escape(s.provider)}${s.model === null ? '' : ` <span class="model-name">${escape(s.model)}</span>`}</th>`;

function table(caption: string, scores: readonly VendorScore[], columns: readonly Column[], className: string): string {
  const rows = scores.map((s) => `<tr><td class="num rank">${s.rank}</td>${nameCell(s)}${columns.map((c) => c.cell(s)).join('')}</tr>`).join('');
  const headCells = ['Rank', 'Provider / model', ...columns.map((c) => c.head)]
    .map((h, i) => `<th scope="col"${i === 0 ? ' class="num rank"' : i === 1 ? '' : ' class="num"'}>${h}</th>`).join('');
  return `<div class="scroll"><table class="${className}"><caption class="visually-hidden">${escape(caption)}</caption><thead><tr>${headCells}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The key columns, then every column folded behind a control. */
function tables(caption: string, scores: readonly VendorScore[], id: string): string {
  return `${table(caption, scores, KEY_COLUMNS, 'key')}
<details class="more" id="${id}"><summary>All ${ALL_COLUMNS.length + 2} columns: outages, MTTR, MTBF, latency percentiles, TTFT and outcomes</summary>
<p class="muted small">Scroll the table sideways on a small screen.</p>${table(`${caption}, every figure`, scores, ALL_COLUMNS, 'all')}</details>`;
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

const delayWords = (minutes: number | null) => (minutes === null ? '—' : `${minutes.toFixed(1)} min`);

/**
 * Each provider's status page held against measurement (concepts §12): a table of the figures
 * and a chart of the share of outages acknowledged, whose label says every figure in words.
 */
function statusPagesCard(pages: readonly ProviderAccuracy[]): string {
  if (pages.length === 0) return '';
  // Every cell may wrap between its words ("2 of 3") on a phone, so that five columns fit.
  const wordsCell = (text: string) => `<td class="num words">${escape(text)}</td>`;
  const rows = pages.map((p) => `<tr><th scope="row">${escape(p.provider)}</th>${wordsCell(`${formatCount(p.acknowledgedOutages)} of ${formatCount(p.outages)}`)}`
    + `${wordsCell(delayWords(p.medianAcknowledgementDelayMinutes))}${minutesCell(p.unacknowledgedOutageMinutes, true)}`
    + `${wordsCell(`${formatCount(p.incidentsWithoutMeasuredImpact)} of ${formatCount(p.incidents.length)}`)}</tr>`).join('');
  const chart = barChart('Partial and major outages the status page acknowledged', pages.map((p) => ({
    label: p.provider,
    share: p.outages === 0 ? 0 : p.acknowledgedOutages / p.outages,
    text: p.outages === 0 ? 'no outages measured' : `${p.acknowledgedOutages} of ${p.outages} (${percentFloor(p.acknowledgedOutages, p.outages, 0)} %)`,
  })));
  const words = pages.map((p) => `${p.provider}: ${p.acknowledgedOutages} of ${p.outages} partial and major outages acknowledged`
    + `${p.medianAcknowledgementDelayMinutes === null ? '' : `, median delay ${delayWords(p.medianAcknowledgementDelayMinutes)}`}`
    + `, ${formatDuration(p.unacknowledgedOutageMinutes)} of outage never acknowledged, ${p.incidentsWithoutMeasuredImpact} of ${p.incidents.length} incidents without measured impact.`);
  return `<section class="card" aria-labelledby="status-pages-title"><h2 id="status-pages-title">Status pages against measurement</h2>
<p class="muted small">What each provider's status page said, held against its partial and major outages measured over all platforms (brief degradations are left out, as in the incident list of the status page). An outage counts as acknowledged when an incident covering its model was open during it or within 15 minutes after it; the delay runs from the outage's start to the incident's creation (negative when the provider posted first). An incident without measured impact acknowledged no outage and saw no bad minute of the models it covers.</p>
<div class="scroll"><table class="accuracy key"><caption class="visually-hidden">Status-page accuracy per provider</caption><thead><tr><th scope="col">Provider</th><th scope="col" class="num">Acknow&shy;ledged</th>`
    + `<th scope="col" class="num">Median delay</th><th scope="col" class="num">Never acknow&shy;ledged</th><th scope="col" class="num">Incidents without impact</th></tr></thead><tbody>${rows}</tbody></table></div>
${chart}
<ul class="small accuracy-words">${words.map((w) => `<li>${escape(w)}</li>`).join('')}</ul></section>`;
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
${providers.length === 0 ? '' : `<section class="card" aria-labelledby="providers-title"><h2 id="providers-title">Providers (all their models)</h2>${tables('Providers ranked', providers, 'providers-all')}</section>`}
${models.length === 0 ? '' : `<section class="card" aria-labelledby="models-title"><h2 id="models-title">Models</h2>
${tables('Models ranked', models, 'models-all')}
${availabilityChart(models)}
${latencyChart('Latency of successful requests', models.map((s) => ({ label: nameOf(s), p50: s.p50LatencyMs, p95: s.p95LatencyMs, p99: s.p99LatencyMs })))}</section>`}
${statusPagesCard(comparison.statusPages)}`;
  return page({ title: 'Compare AI vendors', current: 'compare', nonce, body });
}
