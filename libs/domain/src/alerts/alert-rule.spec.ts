import { InputError } from '../errors';
import { alertRuleSettings, changesEvaluation } from './alert-rule';

describe('alert rule settings', () => {
  const url = 'https://hooks.example.com/ledger';

  it('fills in the defaults: a MODEL_STATUS rule pages on a partial outage for 3 minutes; a BURN_RATE rule on every condition', () => {
    expect(alertRuleSettings({ name: ' Opus down ', kind: 'MODEL_STATUS', provider: 'anthropic', webhookUrl: url })).toEqual({
      name: 'Opus down', kind: 'MODEL_STATUS', provider: 'anthropic', model: null, platform: null, contractId: null,
      minSeverity: 'partial_outage', forMinutes: 3, webhookUrl: url, format: 'JSON', enabled: true,
    });
    expect(alertRuleSettings({ name: 'budget', kind: 'BURN_RATE', contractId: 'ctr_1', webhookUrl: url, format: 'SLACK' })).toMatchObject({
      minSeverity: 'TICKET', forMinutes: 1, format: 'SLACK', provider: null,
    });
  });

  it('lists every problem of an input at once', () => {
    const attempt = () => alertRuleSettings({ name: '', kind: 'MODEL_STATUS', provider: 'Not A Slug', minSeverity: 'OUTAGE', forMinutes: 0, contractId: 'ctr_1', webhookUrl: url });
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(/name must be .*provider.*contract.*minSeverity.*forMinutes/);
    expect(() => alertRuleSettings({ name: 'x', kind: 'BURN_RATE', provider: 'anthropic', forMinutes: 5, webhookUrl: url })).toThrow(/needs a contractId.*leave provider.*forMinutes is for MODEL_STATUS/);
    expect(() => alertRuleSettings({ name: 'x', kind: 'SOMETHING', webhookUrl: url })).toThrow(/kind must be one of MODEL_STATUS, BURN_RATE/);
  });

  it('tells a change of what a rule evaluates from a change of its name or webhook', () => {
    const before = alertRuleSettings({ name: 'a', kind: 'MODEL_STATUS', provider: 'anthropic', webhookUrl: url });
    expect(changesEvaluation(before, { ...before, name: 'b', webhookUrl: `${url}/2`, format: 'SLACK' })).toBe(false);
    expect(changesEvaluation(before, { ...before, forMinutes: 5 })).toBe(true);
    expect(changesEvaluation(before, { ...before, enabled: false })).toBe(true);
  });
});
