import type { AgentState } from '../agent/types';
import type { DocumentStore, IndexNames } from '../ports/store';
import { RecommendationLimits } from './agent-documents';

/**
 * `kibana.alert.uuid` of a recommendation: the Elastic Security alerts among those the agent has seen in the
 * incident (its ledger's alert ids), newest first, read back from the alerts index (the normaliser keeps the
 * source's `kibana.alert.uuid` as `event.id`). Other sources have none, and the search then finds nothing.
 */
export async function seenElasticAlertUuids(
  store: DocumentStore,
  indices: Pick<IndexNames, 'alerts'>,
  state: AgentState,
  signal: AbortSignal,
): Promise<string[]> {
  const seen = state.evidence.recentIds;
  if (seen.length === 0) return [];
  const result = await store.search(
    {
      index: indices.alerts,
      filters: [
        { kind: 'terms', field: 'ira.alert_id', values: seen },
        { kind: 'term', field: 'ira.format', value: 'elastic-security' },
      ],
      sort: [{ field: '@timestamp', order: 'desc' }],
      size: RecommendationLimits.alertUuids,
    },
    signal,
  );
  const uuids = result.hits.map((hit) => (hit.source['event'] as { id?: unknown } | undefined)?.id);
  return [...new Set(uuids.filter((id): id is string => typeof id === 'string' && id !== ''))];
}
