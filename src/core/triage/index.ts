/** Triage and correlation: score each alert, fold repeats, group alerts into incidents (docs/triage.md). */
export { triageBatch } from './triage';
export { closeIncidents } from './close';
export { createTriageState, estimateTriageBytes, hydrateTriageState, type TriageState } from './state';
export { alertScore, incidentScore, type Novelty } from './score';
export { alertStage, NEUTRAL_STAGE } from './stage';
export {
  DEFAULT_TRIAGE_OPTIONS,
  DEFAULT_WINDOW_MS,
  type Incident,
  type IncidentChange,
  type IncidentEntities,
  type IngestTimes,
  type TriageBatchResult,
  type TriageOptions,
  type TriagedAlert,
} from './types';
