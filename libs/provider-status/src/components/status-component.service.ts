import { Injectable } from '@nestjs/common';
import { ComponentMapping, InputError, MODEL_PATTERN, SLUG_PATTERN } from '@ledger/domain';
import { Database, InjectDatabase, InjectReadDatabase } from '@ledger/database';
import { AdminEventRepository } from '@ledger/event-store';
import { StatusComponentRepository } from './status-component.repository';

const MAX_COMPONENTS = 200;

/**
 * Which models a provider's status-page components cover (concepts §12). Setting it replaces the
 * provider's whole mapping and records an admin event; an empty list goes back to the default
 * (every component covers every model).
 */
@Injectable()
export class StatusComponentService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    @InjectReadDatabase() private readonly readDb: Database,
    private readonly components: StatusComponentRepository,
    private readonly events: AdminEventRepository,
  ) {}

  list(provider: string): Promise<ComponentMapping[]> {
    return this.components.forProvider(this.readDb, provider);
  }

  async set(provider: string, mapping: readonly ComponentMapping[], actor: string | null): Promise<ComponentMapping[]> {
    const clean = validateMapping(provider, mapping);
    await this.db.transaction().execute(async (trx) => {
      await this.components.replace(trx, provider, clean);
      await this.events.append(trx, { type: 'StatusComponentsSet', data: { provider, components: clean }, actor });
    });
    return clean;
  }
}

function validateMapping(provider: string, mapping: readonly ComponentMapping[]): ComponentMapping[] {
  if (!SLUG_PATTERN.test(provider)) throw new InputError('provider must be a lowercase slug: [a-z0-9][a-z0-9._-]{0,63}');
  if (mapping.length > MAX_COMPONENTS) throw new InputError(`a provider may map at most ${MAX_COMPONENTS} components`);
  const seen = new Set<string>();
  return mapping.map((m) => {
    const component = m.component.trim();
    if (component === '' || component.length > 200) throw new InputError('a component name must have 1 to 200 characters');
    if (seen.has(component)) throw new InputError(`component "${component}" is listed twice`);
    seen.add(component);
    const bad = m.models.find((model) => !MODEL_PATTERN.test(model));
    if (bad !== undefined) throw new InputError(`model ${JSON.stringify(bad)} of component "${component}" must be a lowercase slug of at most 128 characters`);
    return { component, models: [...new Set(m.models)].sort() };
  }).sort((a, b) => a.component.localeCompare(b.component));
}
