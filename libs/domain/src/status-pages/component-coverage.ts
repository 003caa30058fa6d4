/** A provider's mapping of status-page components to its models (concepts §12). */
export interface ComponentMapping {
  component: string;
  models: string[];
}

/**
 * The models an incident's components cover: a mapped component its models; a component the
 * mapping does not name, or an incident naming no component, every model the provider has
 * (`allModels`). Without a mapping, then, every incident covers every model.
 */
export function coveredModels(components: readonly string[], mapping: readonly ComponentMapping[], allModels: readonly string[]): string[] {
  const byComponent = new Map(mapping.map((m) => [m.component, m.models]));
  if (components.length === 0 || components.some((c) => !byComponent.has(c))) return [...allModels].sort();
  return [...new Set(components.flatMap((c) => byComponent.get(c)!))].sort();
}
