/**
 * ira as a library: the index documents it writes, the alert normalisers, triage, the agent step and the ports an
 * embedding application implements. The service itself is `ira serve` (src/cli); nothing here starts anything.
 */

// Ports: what the core needs from the outside world.
export * from './core/ports/store';
export * from './core/ports/messaging';
export * from './core/ports/alert-source';
export * from './core/ports/llm';
export * from './core/ports/progress';

// Index documents (alert, incident, recommendation, conjecture) and their ids.
export * from './core/documents/alert-document';
export * from './core/documents/agent-documents';

// Alert schema and the normalisers (format detection included).
export * from './core/alert';

// Triage: scoring and correlation of alerts into incidents.
export { createTriageState, hydrateTriageState, triageBatch, DEFAULT_TRIAGE_OPTIONS } from './core/triage';
export type { Incident, TriageOptions, TriageState, TriagedAlert, TriageBatchResult } from './core/triage';

// The agent step of arXiv 2602.13156 (perceive → adapt → plan → guard → act) and its configuration.
export * from './core/agent';

// Typed errors.
export { ErrorCodes, IraError } from './errors';
