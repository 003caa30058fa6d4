import { escape } from 'html-escaper';
import { isBad, MINUTE_MS, MINUTE_STATUSES, MinuteStatus } from '@ledger/domain';
import type { PlatformRoutedAway } from '@ledger/reporting';
import type { AlertView } from '@ledger/alerts';
import type { ModelStatusView } from '@ledger/projections';
import type { IncidentView } from '@ledger/projections';
import { Episode, EPISODE_GAP_MINUTES, episodesOf, HISTORY_DAYS, lastDayOf, ModelOverview, ProviderOverview, StatusOverview, UptimeFigure } from '../overview';
import { dayStrip } from './charts';
import { formatClock, formatCount, formatDay, formatDuration, formatInstant, formatMinute, percentFloor, STATUS_LABEL } from './format';
import { page } from './layout';

const badge = (status: MinuteStatus, text = STATUS_LABEL[status]) => `<span class="badge t-${status}">${escape(text)}</span>`;

/** `GET /status`: live status, 90-day strips and uptime per model, recent incidents. */
export function overviewPage(overview: StatusOverview, nonce: string, options: { historical: boolean; firing?: readonly AlertView[] | null }): string {
  const body = [
    summary(overview, options.historical),
    options.firing == null ? '' : firingCard(options.firing),
    legend(overview.routedAway.length > 0),
    ...overview.providers.map((p) => providerCard(p, options.historical, overview.asOf)),
    incidentsCard(overview.incidents, overview.routedAway, overview.asOf),
  ].join('\n');
  return page({ title: 'SLA Ledger status', current: 'overview', nonce, body });
}

/** Where the live page says when it last heard from the service (the page's script fills it in). */
const LIVE_LINE = '<p class="muted small" id="live" data-stream="/status/live">Live: updates itself while open (needs JavaScript).</p>';

function summary(overview: StatusOverview, historical: boolean): string {
  const when = historical ? `As of the end of ${formatDay(lastDayOf(overview.asOf))} (UTC)` : `Updated ${formatInstant(overview.asOf)}`;
  if (overview.providers.length === 0) {
    return `<section class="card banner warn" role="status"><span>No outcome events in the ${HISTORY_DAYS} days up to ${escape(formatDay(lastDayOf(overview.asOf)))}.</span></section><p class="muted small">${when}</p>${historical ? '' : LIVE_LINE}`;
  }
  const affected = overview.providers.flatMap((p) => p.models.filter((m) => m.live !== null && isBad(m.live.status)));
  const worst = affected.reduce<MinuteStatus>((acc, m) => (MINUTE_STATUSES.indexOf(m.live!.status) > MINUTE_STATUSES.indexOf(acc) ? m.live!.status : acc), 'operational');
  const text = affected.length === 0
    ? 'All models with recent traffic are operational'
    : `${STATUS_LABEL[worst]}: ${affected.map((m) => `${m.provider} ${m.model}`).join(', ')}`;
  const tone = affected.length === 0 ? '' : worst === 'degraded' ? ' warn' : ' bad';
  return `<section class="card banner${tone}" role="status" aria-live="polite">${badge(affected.length === 0 ? 'operational' : worst, '')}<span>${escape(text)}</span></section>
<p class="muted small">${when}. Live status covers the last minutes of traffic over all platforms; bars are UTC days.</p>${historical ? '' : LIVE_LINE}`;
}

/** The alerts firing now, for signed-in users: what fired, since when, and whether its webhooks got through. */
function firingCard(alerts: readonly AlertView[]): string {
  if (alerts.length === 0) return '<section class="card" aria-labelledby="firing"><h2 id="firing">Firing alerts</h2><p class="muted">No alert is firing.</p></section>';
  const rows = alerts.map((a) => `<tr><td>${badge(a.severity === 'PAGE' ? 'major_outage' : 'degraded', a.severity)}</td><td>${escape(a.summary)}<br><span class="muted small">rule ${escape(a.rule.name)}</span></td><td>${escape(formatInstant(a.startedAt.getTime()))}</td></tr>`);
  return `<section class="card" aria-labelledby="firing"><h2 id="firing">Firing alerts (${alerts.length})</h2>
<div class="scroll"><table><caption class="visually-hidden">Alerts firing now, the latest first</caption><thead><tr><th scope="col">Severity</th><th scope="col">Alert</th><th scope="col">Since</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

function providerCard(provider: ProviderOverview, historical: boolean, asOf: number): string {
  const id = `provider-${provider.provider}`;
  return `<section class="card" aria-labelledby="${escape(id)}">
<div class="provider-head"><h2 id="${escape(id)}">${escape(provider.provider)}</h2>${badge(provider.live)}</div>
${provider.models.map((m) => modelRow(m, historical, asOf)).join('\n')}
</section>`;
}

/**
 * A platform's routing away in words (the band's text equivalent): "notion routed away
 * 09:04–21:06 UTC on 7 Jun 2026 (12 h 2 min), 11 h 27 min of it while the provider was healthy".
 */
export function routedAwayWords(period: PlatformRoutedAway): string {
  const start = Math.floor(period.start / MINUTE_MS);
  const healthy = `${formatDuration(period.routedAwayWhileHealthyMinutes)} of it while the provider was healthy`;
  if (period.end === null) return `${period.platform} has routed away since ${formatMinute(start)} (${formatDuration(period.routedAwayMinutes)} so far), ${healthy}`;
  const end = Math.floor(period.end / MINUTE_MS);
  const sameDay = Math.floor(start / 1440) === Math.floor(end / 1440);
  const when = sameDay
    ? `${formatClock(start).replace(' UTC', '')}–${formatClock(end)} on ${formatDay(Math.floor(start / 1440)).replace(/^\w+ /, '')}`
    : `${formatMinute(start)} – ${formatMinute(end)}`;
  return `${period.platform} routed away ${when} (${formatDuration(period.routedAwayMinutes)}), ${healthy}`;
}

function modelRow(model: ModelOverview, historical: boolean, asOf: number): string {
  const detailId = `detail-${model.provider}-${model.model}`;
  const live = model.live;
  const liveWords = live === null
    ? badge('no_data', 'No recent traffic')
    : historical
      ? `<span class="muted small">at the end of the day:</span> ${badge(live.status)} <span class="muted small">${escape(errorRateWords(live))}</span>`
      : `${badge(live.status)} <span class="muted small">${escape([`since ${formatMinute(live.since)}`, errorRateWords(live)].filter(Boolean).join(', '))}</span>`;
  const uptime = model.uptime.map((u) => `<li>${escape(u.label)} <b>${escape(uptimeWords(u))}</b>${coverageWords(u)}</li>`).join('');
  const first = model.days[0]!.day;
  const last = model.days[model.days.length - 1]!.day;
  const bands = model.routedAway.map((r) => ({ start: r.start, end: r.end ?? asOf }));
  const strip = dayStrip(model.days, `${model.provider} ${model.model}, daily status from ${formatDay(first)} to ${formatDay(last)}`, bands)
    .replace('<svg ', `<svg data-detail-for="${escape(detailId)}" `);
  const periods = [...new Set(model.routedAway.map((r) => r.period))];
  const routed = periods.length === 0
    ? ''
    : `<ul class="routed-words" aria-label="${escape(`Routed away from ${model.model} (the band over the bars)`)}">${periods.map((p) => `<li>${escape(routedAwayWords(p))}</li>`).join('')}</ul>`;
  return `<article class="model" aria-label="${escape(`${model.provider} ${model.model}`)}">
<div class="model-head"><h3>${escape(model.model)}</h3><span>${liveWords}</span></div>
<ul class="uptime" aria-label="Uptime (minutes outside outages, of the time with traffic)">${uptime}</ul>
${strip}
<div class="strip-axis" aria-hidden="true"><span>${escape(formatDay(first))}</span><span>${escape(formatDay(last))}</span></div>${routed}
<p class="detail" id="${escape(detailId)}" aria-live="polite"></p>
</article>`;
}

/** Minutes outside outages of the minutes measured (days with traffic); "—" when nothing was measured. */
export function uptimeWords(u: UptimeFigure): string {
  if (!u.hasData) return '—';
  return `${percentFloor(u.measuredMinutes - Math.min(u.outageMinutes, u.measuredMinutes), u.measuredMinutes, 3)} %`;
}

/** How much of the window the figure rests on, when not all of it: " · 31 of 90 days with traffic". */
export function coverageWords(u: UptimeFigure): string {
  if (!u.hasData || u.measuredMinutes >= u.windowMinutes) return '';
  // Days to a tenth, rounded down: a window's ragged first day counts for the part inside it.
  const days = Math.floor((u.measuredMinutes * 10) / 1440) / 10;
  const words = u.windowDays >= 7 ? `${days} of ${u.windowDays} days with traffic` : `${formatDuration(u.measuredMinutes)} of ${u.label} with traffic`;
  return ` <span class="muted">· ${escape(words)}</span>`;
}

/** ", error rate 2.4 % of 1,234 requests" over the live window (failures recovered exactly from the rate). */
function errorRateWords(live: ModelStatusView): string {
  if (live.errorRate === null || live.eligibleRequests === 0) return '';
  const failures = Math.round(live.errorRate * live.eligibleRequests);
  return `error rate ${percentFloor(failures, live.eligibleRequests, 1)} % of ${formatCount(live.eligibleRequests)} requests`;
}

function legend(routed: boolean): string {
  const items = (['operational', 'degraded', 'partial_outage', 'major_outage', 'no_data'] as const)
    .map((s) => `<li><i class="s-${s}" aria-hidden="true"></i>${STATUS_LABEL[s]}</li>`)
    .join('');
  const band = routed ? '<li><i class="routed" aria-hidden="true"></i>Routed away (a platform\'s own actions)</li>' : '';
  return `<ul class="legend" aria-label="Colours of the daily bars (the day's worst status)">${items}${band}<li>Tap, hover over or focus a day for its figures; with a keyboard, the arrow keys move between days.</li></ul>`;
}

/** A platform's routing away during an episode (from up to an hour after it ended), under its models. */
function routedDuring(e: Episode, periods: readonly PlatformRoutedAway[], asOf: number): string {
  const from = e.start * MINUTE_MS;
  const until = (e.ongoing ? asOf : e.end * MINUTE_MS) + 60 * MINUTE_MS;
  const during = periods.filter((p) => p.provider === e.provider && p.start < until && (p.end ?? asOf) > from).sort((a, b) => a.start - b.start);
  return during.map((p) => `<div class="small routed-note">${escape(routedAwayWords(p))}</div>`).join('');
}

function incidentTable(caption: string, episodes: readonly Episode[], periods: readonly PlatformRoutedAway[], asOf: number): string {
  const rows = episodes
    .map((e) => {
      const end = e.ongoing ? 'ongoing' : `until ${formatMinute(e.end)}`;
      const count = e.incidents.length > 1 ? `<div class="muted small">${e.incidents.length} incidents</div>` : '';
      return `<tr><td>${escape(formatMinute(e.start))}<div class="muted small">${escape(end)}</div></td><td>${escape(e.provider)}</td>`
        + `<td>${badge(e.severity)}</td><td class="num">${escape(formatDuration(e.end - e.start))}${e.ongoing ? ' so far' : ''}${count}</td>`
        + `<td><span class="models">${e.models.map((m) => escape(m)).join(', ')}</span>${routedDuring(e, periods, asOf)}${episodeDetails(e)}</td></tr>`;
    })
    .join('');
  return `<div class="scroll"><table class="incidents"><caption class="visually-hidden">${escape(caption)}</caption><thead><tr><th scope="col">Started</th><th scope="col">Provider</th>`
    + `<th scope="col">Severity</th><th scope="col" class="num">Duration</th><th scope="col">Models</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The incident's figures one click away: each model's outage with its peak error rate and requests; for an episode, why its incidents are apart. */
function episodeDetails(e: Episode): string {
  const why = e.incidents.length < 2
    ? ''
    : `<p class="muted small">${e.incidents.length} incidents within ${escape(formatDuration(e.end - e.start))}, shown together: detection keeps them apart because the minutes between them were not bad (no failures above the threshold, or too few requests to judge).</p>`;
  const outages = e.incidents.flatMap((i) => i.modelOutages).sort((a, b) => a.start - b.start || a.model.localeCompare(b.model));
  const items = outages.map((o) => {
    // The end's time alone when it falls on the start's day.
    const until = o.ongoing ? 'ongoing' : Math.floor(o.end / 1440) === Math.floor(o.start / 1440) ? formatClock(o.end) : formatMinute(o.end);
    const peak = o.peakEligible === 0 ? '' : `, peak error rate ${percentFloor(o.peakFailures, o.peakEligible, 0)} % (${formatCount(o.peakFailures)} of ${formatCount(o.peakEligible)} in a minute)`;
    return `<li><b>${escape(o.model)}</b> ${escape(formatMinute(o.start))} – ${escape(until)} (${escape(formatDuration(o.end - o.start))}): ${escape(STATUS_LABEL[o.severity])}${escape(peak)}; `
      + `${escape(formatCount(o.failedRequests))} of ${escape(formatCount(o.eligibleRequests))} requests failed; ${o.platformsAffected} ${o.platformsAffected === 1 ? 'platform' : 'platforms'} affected</li>`;
  }).join('');
  return `<details class="incident-detail"><summary>Details</summary>${why}<ul class="small">${items}</ul></details>`;
}

/** Outages (partial or major) first; brief degradations are folded away but one click off. */
function incidentsCard(incidents: readonly IncidentView[], periods: readonly PlatformRoutedAway[], asOf: number): string {
  const episodes = episodesOf(incidents);
  const serious = episodes.filter((e) => e.severity === 'partial_outage' || e.severity === 'major_outage');
  const degradations = episodes.filter((e) => e.severity === 'degraded');
  const main = serious.length === 0
    ? '<p class="muted">No partial or major outages in the last 30 days.</p>'
    : incidentTable('Partial and major outages, most recent first', serious, periods, asOf);
  const folded = degradations.length === 0
    ? ''
    : `<details id="degradations"><summary>${degradations.length} ${degradations.length === 1 ? 'degradation' : 'degradations'} (error rate above the degraded threshold, below partial)</summary>${incidentTable('Degradations, most recent first', degradations, periods, asOf)}</details>`;
  return `<section class="card" aria-labelledby="incidents"><h2 id="incidents">Incidents, last 30 days</h2>
<p class="muted small">An incident groups one provider's model outages that overlap in time (over all platforms); one provider's outages less than ${EPISODE_GAP_MINUTES} minutes apart (and degradations as close to each other) are shown as one row.</p>${main}${folded}</section>`;
}
