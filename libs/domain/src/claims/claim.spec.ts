import { Claim, claimAsOf, claimStatus, claimTotals, evidenceDigestLine, fileClaim, resolveClaim, standingOf, statusAsOf, withdrawClaim } from './claim';

const DEADLINE = Date.UTC(2026, 11, 3, 5);
const draft = (overrides: Partial<Claim> = {}): Claim => ({
  id: 'clm_1', contractId: 'ctr_1', platform: 'notion', provider: 'anthropic', period: '2026-10', statementVersion: 1,
  claimedAmount: { amount: '4825.00', currency: 'USD' }, creditedAmount: null, claimDeadline: DEADLINE, filedAt: null, reference: null, resolvedAt: null,
  evidenceEvents: 3, evidenceDigest: 'ab', evidenceRuns: [], history: [{ status: 'DRAFT', at: DEADLINE - 86_400_000, actor: 'key_1', note: null }], ...overrides,
});
const by = { actor: 'key_1' };

describe('a claim\'s lifecycle (concepts §9)', () => {
  it('reads a draft as EXPIRED from its deadline on, and refuses to file it then', () => {
    expect(claimStatus(claimAsOf(draft(), DEADLINE - 1))).toBe('DRAFT');
    expect([statusAsOf('DRAFT', DEADLINE, DEADLINE - 1), statusAsOf('DRAFT', DEADLINE, DEADLINE), statusAsOf('FILED', DEADLINE, DEADLINE + 1)]).toEqual(['DRAFT', 'EXPIRED', 'FILED']);
    expect(claimAsOf(draft(), DEADLINE).history.at(-1)).toMatchObject({ status: 'EXPIRED', at: DEADLINE, actor: null });
    expect(claimStatus(fileClaim(draft(), { ...by, at: DEADLINE - 1 }))).toBe('FILED');
    expect(() => fileClaim(draft(), { ...by, at: DEADLINE })).toThrow('claim clm_1 expired at its deadline 2026-12-03T05:00:00.000Z: it can no longer be filed');
    // A filed claim does not expire: the provider has it.
    expect(claimStatus(claimAsOf(fileClaim(draft(), { ...by, at: 1 }), DEADLINE + 1))).toBe('FILED');
  });

  it('credits in the claimed currency\'s minor unit', () => {
    const filed = fileClaim(draft({ claimedAmount: { amount: '30865', currency: 'JPY' } }), { ...by, at: 1 });
    expect(resolveClaim(filed, { ...by, at: 2, outcome: 'PARTIALLY_ACCEPTED', creditedAmount: '15000' }).creditedAmount).toEqual({ amount: '15000', currency: 'JPY' });
    expect(() => resolveClaim(filed, { ...by, at: 2, outcome: 'PARTIALLY_ACCEPTED', creditedAmount: '15000.5' })).toThrow('with at most 0 decimals');
    expect(resolveClaim(filed, { ...by, at: 2, outcome: 'DENIED', creditedAmount: '0' }).creditedAmount).toEqual({ amount: '0', currency: 'JPY' });
  });

  it('totals what was filed per provider and currency; drafts, withdrawn and expired claims are not claimed', () => {
    const filed = (id: string, provider: string, amount: string, currency = 'USD') =>
      fileClaim(draft({ id, provider, claimedAmount: { amount, currency } }), { ...by, at: 1 });
    const claims = [
      resolveClaim(filed('a', 'anthropic', '100.00'), { ...by, at: 2, outcome: 'ACCEPTED', creditedAmount: '100.00' }),
      resolveClaim(filed('b', 'anthropic', '200.00'), { ...by, at: 2, outcome: 'PARTIALLY_ACCEPTED', creditedAmount: '50.00' }),
      resolveClaim(filed('c', 'anthropic', '300.00'), { ...by, at: 2, outcome: 'DENIED', creditedAmount: '0' }),
      filed('d', 'anthropic', '400.00'),
      filed('e', 'anthropic', '1000', 'JPY'),
      draft({ id: 'f', provider: 'openai' }),
      withdrawClaim(filed('g', 'openai', '5.00'), { ...by, at: 3 }),
    ];
    expect(claimTotals(claims.map(standingOf), DEADLINE + 1)).toEqual([
      // Resolved: 150 credited of 600 claimed = 0.25; the filed 400 is outstanding.
      { provider: 'anthropic', currency: 'JPY', claimed: '1000', credited: '0', outstanding: '1000', recoveryRate: null },
      { provider: 'anthropic', currency: 'USD', claimed: '1000.00', credited: '150.00', outstanding: '400.00', recoveryRate: '0.2500' },
    ]);
  });

  it('writes an event\'s digest line with milliseconds in UTC and an empty status when there is none', () => {
    expect(evidenceDigestLine({ id: 'é-1', occurredAt: Date.UTC(2026, 5, 7, 9, 2, 13, 5), model: 'm', outcome: 'timeout', httpStatus: null })).toBe('é-1\t2026-06-07T09:02:13.005Z\tm\ttimeout\t\n');
  });
});
