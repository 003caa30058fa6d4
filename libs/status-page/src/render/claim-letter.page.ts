import { escape } from 'html-escaper';
import { DateTime } from 'luxon';
import type { ClaimPacket, PacketRun } from '@ledger/reporting';
import type { StatusCount } from '@ledger/domain';
import { formatMoney } from './format';

/** Runs listed in the letter's table; the rest are counted in a line (the packet and evidence.csv hold them all), so that it stays one page. */
const RUNS_IN_LETTER = 10;

/** A printable style: one A4 page, black on white whatever the screen's scheme. */
const STYLE = `
@page { size: A4; margin: 18mm 16mm; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef0f3; color: #111; font: 10.5pt/1.45 Georgia, "Times New Roman", serif; }
.sheet { max-width: 210mm; margin: 16px auto; background: #fff; padding: 18mm 16mm; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
@media print { body { background: #fff; } .sheet { margin: 0; padding: 0; box-shadow: none; max-width: none; } }
@media (max-width: 600px) { .sheet { margin: 0; padding: 16px 14px; } body { font-size: 10pt; } }
header { display: flex; justify-content: space-between; gap: 12px; flex-wrap: wrap; font: 9pt/1.4 system-ui, sans-serif; color: #444; }
h1 { font-size: 14pt; margin: 14px 0 8px; }
p { margin: 6px 0; }
dl.terms { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; font-size: 10pt; }
dl.terms dt { color: #444; } dl.terms dd { margin: 0; }
.amount { font-size: 12pt; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font: 8.5pt/1.35 system-ui, sans-serif; margin: 6px 0; }
th, td { text-align: left; padding: 3px 5px; border-bottom: 1px solid #ccc; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; }
code, .digest { font: 8pt/1.3 ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.verify { font-size: 8.5pt; color: #333; border-top: 1px solid #ccc; margin-top: 10px; padding-top: 6px; }
.sign { margin-top: 14px; }
`;

const local = (iso: string, zone: string, format = 'd LLL yyyy, HH:mm') => DateTime.fromISO(iso, { zone }).toFormat(format);
const causes = (list: readonly StatusCount[]) =>
  list.length === 0 ? '—' : list.slice(0, 2).map((c) => `${c.httpStatus ?? 'no status'} ${c.errorCode ?? ''} × ${c.count.toLocaleString('en-US')}`.replace('  ', ' ')).join('; ');

function runRow(run: PacketRun, zone: string): string {
  return `<tr><td>${escape(local(run.start, zone))} – ${escape(local(run.end, zone, 'HH:mm'))}</td><td class="num">${run.minutes}</td>` +
    `<td class="num">${run.eligibleRequests.toLocaleString('en-US')}</td><td class="num">${run.failedRequests.toLocaleString('en-US')}</td><td>${escape(causes(run.statusBreakdown))}</td></tr>`;
}

/**
 * `letter.html`: the claim as a one-page letter a person sends to the provider — who claims what
 * under which contract, the measured uptime against the target, the credit tier and amount, the
 * downtime runs, the evidence digest and how to check it. Printable (A4), readable on a phone.
 */
export function claimLetterPage(packet: ClaimPacket, nonce: string): string {
  const { claim, contract, statement, evidence } = packet;
  const terms = contract.terms;
  const zone = terms.timeZone;
  const month = DateTime.fromISO(statement.periodStart, { zone }).toFormat('LLLL yyyy');
  const runs = evidence.runs;
  const shown = runs.slice(0, RUNS_IN_LETTER);
  const rest = runs.slice(RUNS_IN_LETTER);
  const restLine = rest.length === 0 ? '' :
    `<tr><td colspan="5">and ${rest.length} more run${rest.length === 1 ? '' : 's'} (${rest.reduce((s, r) => s + r.minutes, 0)} minutes), listed in the attached evidence.csv</td></tr>`;
  const models = terms.models.length === 0 ? 'all models' : terms.models.map(escape).join(', ');
  const policy = statement.policy === 'DOWNTIME_MINUTES'
    ? `${statement.downtimeMinutes} downtime minutes of ${statement.eligibleMinutes.toLocaleString('en-US')} eligible minutes`
    : `policy ${escape(statement.policy)} over ${statement.eligibleMinutes.toLocaleString('en-US')} eligible minutes`;
  const rules = [
    terms.errorStatuses === null ? 'every error' : `errors with HTTP status ${terms.errorStatuses.map(escape).join(', ')}`,
    terms.countTimeouts ? 'timeouts' : null,
    terms.countRateLimited ? 'rate-limited requests' : null,
  ].filter((x) => x !== null).join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>SLA credit claim — ${escape(terms.provider)} — ${escape(month)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main class="sheet">
<header><span>From: <b>${escape(terms.platform)}</b></span><span>Claim ${escape(claim.id)}${claim.reference === null ? '' : ` · your reference ${escape(claim.reference)}`}</span>
<span>${escape(DateTime.fromISO(packet.generatedAt, { zone }).toFormat('d LLLL yyyy'))}</span></header>
<h1>SLA credit claim: ${escape(terms.provider)}, ${escape(month)}</h1>
<p>To ${escape(terms.provider)}: under our service agreement (contract ${escape(contract.id)}, version ${contract.version}), we claim a service credit of
<span class="amount">${escape(formatMoney(claim.claimedAmount))}</span> for ${escape(month)} (${escape(zone)}).</p>
<dl class="terms">
<dt>Service</dt><dd>${escape(terms.provider)}, ${models}, as used by ${escape(terms.platform)}</dd>
<dt>Measured uptime</dt><dd><b>${escape(statement.uptimePercent)} %</b> against a commitment of ${escape(statement.targetPercent)} % (${policy})</dd>
<dt>Failures counted</dt><dd>${escape(rules)}; a minute is down at an error rate of ${escape(terms.policy.errorRateThreshold)} or more</dd>
<dt>Credit</dt><dd>${escape(statement.creditPercent)} % of the monthly fee of ${escape(formatMoney(terms.monthlyFee))} = <b>${escape(formatMoney(statement.creditAmount))}</b></dd>
<dt>Statement</dt><dd>version ${statement.version}, issued ${escape(local(statement.issuedAt, zone, 'd LLL yyyy'))}</dd>
<dt>Claim deadline</dt><dd>${escape(local(claim.claimDeadline, zone, 'd LLLL yyyy, HH:mm ZZZZ'))}</dd>
</dl>
<p>The service fell below its commitment in these runs of consecutive minutes (times in ${escape(zone)}):</p>
<div class="scroll"><table><thead><tr><th scope="col">Run</th><th class="num" scope="col">Minutes</th><th class="num" scope="col">Requests</th><th class="num" scope="col">Failed</th><th scope="col">Most frequent failures</th></tr></thead>
<tbody>${shown.map((r) => runRow(r, zone)).join('')}${restLine}</tbody></table></div>
<p>Our request records for these minutes — ${evidence.evidenceEvents.toLocaleString('en-US')} requests — are attached (packet.json, evidence.csv). Their SHA-256 digest is</p>
<p class="digest">${escape(evidence.evidenceDigest)}</p>
<p class="verify"><b>How to verify.</b> Take every request of ${escape(terms.platform)} to ${escape(terms.provider)} (${models}) whose minute lies in a run above,
write one line per request: <code>id TAB occurredAt TAB model TAB outcome TAB httpStatus</code> and a line feed (occurredAt in UTC with milliseconds, httpStatus empty when there is none),
sort the lines by occurredAt and then by the bytes of id, and compute the SHA-256 of the UTF-8 text: it equals the digest above. Each minute's requests and failures are in evidence.csv.</p>
<p class="sign">Please confirm the credit and its reference by ${escape(local(claim.claimDeadline, zone, 'd LLLL yyyy'))}.</p>
<p>Kind regards,<br>${escape(terms.platform)}</p>
</main></body></html>`;
}
