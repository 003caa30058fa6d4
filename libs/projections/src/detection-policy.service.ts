import { Injectable } from '@nestjs/common';
import { DetectionPolicy, detectionPolicyProblems, InputError, isSlug, MODEL_PATTERN } from '@ledger/domain';
import { Database, InjectDatabase } from '@ledger/database';
import { AdminEventRepository } from '@ledger/event-store';
import { DetectionPolicyRepository, PolicyOverride } from './detection-policy.repository';
import { MinuteRollupRepository } from './minute-rollup.repository';
import { OutageDeriver } from './outage-deriver';
import { lockProjection } from './projection-runner';
import { TIMELINE_PROJECTION } from './checkpoint.repository';

export interface PolicyChange extends Partial<DetectionPolicy> {
  provider: string;
  model: string | null;
}

/**
 * Detection policy overrides: each change is an admin event, and the outages it affects are
 * derived again in the same transaction, under the timeline projection's lock so no batch is
 * folded with the old policy meanwhile.
 */
@Injectable()
export class DetectionPolicyService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly policies: DetectionPolicyRepository,
    private readonly adminEvents: AdminEventRepository,
    private readonly rollups: MinuteRollupRepository,
    private readonly deriver: OutageDeriver,
  ) {}

  async set(change: PolicyChange, actor: string | null, now = new Date()): Promise<PolicyOverride> {
    if (!isSlug(change.provider)) throw new InputError('provider must be a lowercase slug');
    if (change.model !== null && !MODEL_PATTERN.test(change.model)) throw new InputError('model must be a lowercase slug');
    return this.db.transaction().execute(async (trx) => {
      await lockProjection(trx, TIMELINE_PROJECTION);
      const current = await this.policies.load(trx);
      const base = change.model === null ? current.forProvider(change.provider) : current.forModel(change.provider, change.model);
      const { provider, model, ...values } = change;
      const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null));
      const override: PolicyOverride = { ...base, ...defined, provider, model };
      const problems = detectionPolicyProblems(override);
      if (problems.length > 0) throw new InputError(problems.join('; '));
      await this.adminEvents.append(trx, { type: 'DetectionPolicySet', data: { ...override, setAt: now.toISOString() }, actor });
      await this.policies.save(trx, override, now);
      const updated = await this.policies.load(trx);
      const affected = (await this.rollups.allSeries(trx)).filter((s) => s.provider === provider && (model === null || s.model === model));
      await this.deriver.rederiveAll(trx, affected, updated);
      return override;
    });
  }
}
