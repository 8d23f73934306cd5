import agentQueueTemplate from '../../../mappings/ira-agent-queue.json';
import alertsTemplate from '../../../mappings/ira-alerts.json';
import conjecturesTemplate from '../../../mappings/ira-conjectures.json';
import incidentsTemplate from '../../../mappings/ira-incidents.json';
import recommendationsTemplate from '../../../mappings/ira-recommendations.json';
import { agentQueueIndex, indexNames, type Document, type IndexTemplate } from '../../core/ports/store';

/**
 * The index templates of `mappings/`, bound to an index prefix. The files hold everything but the name and the
 * index pattern, which follow `IRA_INDEX_PREFIX`, so one cluster can host several deployments (and tests).
 * Imported as JSON modules so they travel with the compiled code.
 */
export function indexTemplates(prefix: string): IndexTemplate[] {
  const names = indexNames(prefix);
  const bind = (index: string, file: Document): IndexTemplate => ({
    name: index,
    body: { ...file, index_patterns: [`${index}*`] },
  });
  return [
    bind(names.alerts, alertsTemplate),
    bind(names.incidents, incidentsTemplate),
    bind(names.recommendations, recommendationsTemplate),
    bind(names.conjectures, conjecturesTemplate),
    bind(agentQueueIndex(prefix), agentQueueTemplate),
  ];
}
