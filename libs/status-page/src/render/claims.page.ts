import { escape } from 'html-escaper';
import { DateTime } from 'luxon';
import type { ClaimListing, ClaimTotals } from '@ledger/domain';
import { claimStatus, isOpen } from '@ledger/domain';
import { formatMoney } from './format';
import { page } from './layout';

/** An open claim's row turns red this long before its deadline. */
export const DUE_SOON_MS = 7 * 86_400_000;

export interface ClaimsOverview {
  now: number;
  claims: readonly ClaimListing[];
  totals: readonly ClaimTotals[];
  /** Each claim's contract's time zone, by contract id (deadlines are local midnights). */
  zones: ReadonlyMap<string, string>;
}

const STATUS_WORDS: Record<string, string> = {
  DRAFT: 'Draft', FILED: 'Filed', ACCEPTED: 'Accepted', PARTIALLY_ACCEPTED: 'Partly accepted', DENIED: 'Denied', WITHDRAWN: 'Withdrawn', EXPIRED: 'Expired',
};

const money = (amount: string, currency: string) => formatMoney({ amount, currency });

/** "in 12 days", "in 5 h", "in 40 min", "passed". */
export function countdown(deadline: number, now: number): string {
  const left = deadline - now;
  if (left <= 0) return 'passed';
  if (left >= 2 * 86_400_000) return `in ${Math.floor(left / 86_400_000)} days`;
  if (left >= 3_600_000) return `in ${Math.floor(left / 3_600_000)} h`;
  return `in ${Math.max(1, Math.floor(left / 60_000))} min`;
}

const links = (claim: ClaimListing) => {
  const base = `/claims/${encodeURIComponent(claim.id)}`;
  return `<a href="${base}/letter.html">letter</a> · <a href="${base}/packet.json">packet</a> · <a href="${base}/evidence.csv">evidence.csv</a>`;
};

function openRow(claim: ClaimListing, overview: ClaimsOverview): string {
  const zone = overview.zones.get(claim.contractId) ?? 'UTC';
  const soon = claim.claimDeadline - overview.now < DUE_SOON_MS;
  const deadline = DateTime.fromMillis(claim.claimDeadline, { zone });
  const when = countdown(claim.claimDeadline, overview.now);
  return `<tr${soon ? ' class="due-soon"' : ''}>
<th scope="row">${escape(claim.provider)} · ${escape(claim.period)}<div class="muted small">${escape(claim.id)} · contract ${escape(claim.contractId)}</div></th>
<td data-label="Status">${STATUS_WORDS[claimStatus(claim)]}${claim.reference === null ? '' : `<div class="muted small">ref. ${escape(claim.reference)}</div>`}</td>
<td data-label="Claimed" class="num">${escape(money(claim.claimedAmount.amount, claim.claimedAmount.currency))}</td>
<td data-label="Deadline">${escape(deadline.toFormat('d LLL yyyy HH:mm'))} <span class="muted small">${escape(zone)}</span><div class="${soon ? 'soon' : 'muted'} small">${soon ? '⚠ due ' : 'due '}${escape(when)}</div></td>
<td data-label="Documents">${links(claim)}</td></tr>`;
}

function closedRow(claim: ClaimListing): string {
  const status = claimStatus(claim);
  const at = claim.history.at(-1)!.at;
  return `<tr><th scope="row">${escape(claim.provider)} · ${escape(claim.period)}<div class="muted small">${escape(claim.id)}</div></th>
<td data-label="Status">${STATUS_WORDS[status]}</td>
<td data-label="Claimed" class="num">${escape(money(claim.claimedAmount.amount, claim.claimedAmount.currency))}</td>
<td data-label="Credited" class="num">${claim.creditedAmount === null ? '—' : escape(money(claim.creditedAmount.amount, claim.creditedAmount.currency))}</td>
<td data-label="Since">${escape(DateTime.fromMillis(at, { zone: 'utc' }).toFormat('d LLL yyyy'))}</td><td data-label="Documents">${links(claim)}</td></tr>`;
}

function totalsTable(totals: readonly ClaimTotals[]): string {
  if (totals.length === 0) return '<p class="muted">No claim has been filed yet.</p>';
  const rows = totals.map((t) => `<tr><th scope="row">${escape(t.provider)}</th><td class="num">${escape(money(t.claimed, t.currency))}</td>` +
    `<td class="num">${escape(money(t.credited, t.currency))}</td><td class="num">${escape(money(t.outstanding, t.currency))}</td>` +
    `<td class="num">${t.recoveryRate === null ? '<span class="muted">none resolved</span>' : `${escape((Number(t.recoveryRate) * 100).toFixed(1))} %`}</td></tr>`);
  return `<div class="scroll"><table><caption class="sr">Claimed and credited amounts per provider and currency</caption><thead><tr><th scope="col">Provider</th><th class="num" scope="col">Claimed</th><th class="num" scope="col">Credited</th>` +
    `<th class="num" scope="col">Outstanding</th><th class="num" scope="col">Recovery rate</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** `/claims`: open claims by deadline (red within 7 days of it), amounts by provider and currency with the recovery rate, and every claim's documents. */
export function claimsPage(overview: ClaimsOverview, nonce: string): string {
  const open = overview.claims.filter((c) => isOpen(claimStatus(c)));
  const closed = overview.claims.filter((c) => !isOpen(claimStatus(c))).sort((a, b) => b.history.at(-1)!.at - a.history.at(-1)!.at);
  const dueSoon = open.filter((c) => c.claimDeadline - overview.now < DUE_SOON_MS).length;
  const body = `
<section class="card${dueSoon > 0 ? ' banner bad' : ''}" aria-label="Summary"><p>${open.length} open claim${open.length === 1 ? '' : 's'}${dueSoon > 0 ? `, <b>${dueSoon} due within 7 days</b>` : ''}.
<a href="/claims/claims.csv">Download all claims (CSV)</a></p></section>
<section class="card" aria-labelledby="open-title"><h2 id="open-title">Open claims, by deadline</h2>
${open.length === 0 ? '<p class="muted">None: every claim is resolved, withdrawn or expired.</p>' : `<div class="scroll"><table class="claims"><thead><tr><th scope="col">Claim</th><th scope="col">Status</th><th class="num" scope="col">Claimed</th><th scope="col">Deadline</th><th scope="col">Documents</th></tr></thead>
<tbody>${open.map((c) => openRow(c, overview)).join('')}</tbody></table></div>`}</section>
<section class="card" aria-labelledby="totals-title"><h2 id="totals-title">Amounts and recovery by provider</h2>
<p class="muted small">Claimed: filed with the provider (filed or answered). Recovery rate: credited ÷ claimed over the answered claims.</p>${totalsTable(overview.totals)}</section>
<section class="card" aria-labelledby="closed-title"><h2 id="closed-title">Answered, withdrawn and expired</h2>
${closed.length === 0 ? '<p class="muted">None yet.</p>' : `<div class="scroll"><table class="claims"><thead><tr><th scope="col">Claim</th><th scope="col">Status</th><th class="num" scope="col">Claimed</th><th class="num" scope="col">Credited</th><th scope="col">Since</th><th scope="col">Documents</th></tr></thead>
<tbody>${closed.map(closedRow).join('')}</tbody></table></div>`}</section>`;
  return page({ title: 'SLA credit claims', current: 'claims', nonce, body, footer: 'SLA Ledger — claims of the platforms this key may read, from their statements; amounts are exact decimals in each claim\'s currency.' });
}
