import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DEFAULT_DETECTION_POLICY, DetectionPolicy } from '@ledger/domain';
import type { DB } from '@ledger/database';

/** A policy override: for a provider (model null) or one of its models. */
export interface PolicyOverride extends DetectionPolicy {
  provider: string;
  model: string | null;
}

/** The policies in force: model override, else provider override, else the defaults (concepts §4). */
export class DetectionPolicies {
  private readonly byKey: Map<string, DetectionPolicy>;

  constructor(overrides: readonly PolicyOverride[]) {
    this.byKey = new Map(overrides.map((o) => [`${o.provider}\u0000${o.model ?? ''}`, o]));
  }

  /** Whether both hold the same overrides (a rebuild checks that the policies did not change under it). */
  sameAs(other: DetectionPolicies): boolean {
    const text = (p: DetectionPolicies) => JSON.stringify([...p.byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
    return text(this) === text(other);
  }

  /** The overrides of one provider and its models, as text: equal exactly when that provider's minutes are classified alike. */
  fingerprintOf(provider: string): string {
    return JSON.stringify([...this.byKey.entries()].filter(([key]) => key.startsWith(`${provider}\u0000`)).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  }

  forModel(provider: string, model: string): DetectionPolicy {
    return this.byKey.get(`${provider}\u0000${model}`) ?? this.forProvider(provider);
  }

  forProvider(provider: string): DetectionPolicy {
    return this.byKey.get(`${provider}\u0000`) ?? DEFAULT_DETECTION_POLICY;
  }
}

@Injectable()
export class DetectionPolicyRepository {
  async load(db: Kysely<DB>): Promise<DetectionPolicies> {
    const rows = await db.selectFrom('detection_policies').selectAll().execute();
    return new DetectionPolicies(
      rows.map((r) => ({
        provider: r.provider,
        model: r.model === '' ? null : r.model,
        minSamples: r.min_samples,
        degradedAt: r.degraded_at,
        partialAt: r.partial_at,
        majorAt: r.major_at,
        mergeGapMinutes: r.merge_gap_minutes,
        liveWindowMinutes: r.live_window_minutes,
      })),
    );
  }

  async save(db: Kysely<DB>, override: PolicyOverride, at: Date): Promise<void> {
    const values = {
      min_samples: override.minSamples,
      degraded_at: override.degradedAt,
      partial_at: override.partialAt,
      major_at: override.majorAt,
      merge_gap_minutes: override.mergeGapMinutes,
      live_window_minutes: override.liveWindowMinutes,
      updated_at: at,
    };
    await db
      .insertInto('detection_policies')
      .values({ provider: override.provider, model: override.model ?? '', ...values })
      .onConflict((oc) => oc.columns(['provider', 'model']).doUpdateSet(values))
      .execute();
  }
}
