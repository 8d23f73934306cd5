import type { AgentConfigInput } from '../core/agent/agent-config';
import type { StopRule } from './run-incident';

/** What one replay runs: where documents go, the planning budget (flags over configuration), the method. */
export interface BudgetOverrides {
  readonly candidates?: number;
  readonly rollouts?: number;
  readonly depth?: number;
  readonly maxSteps?: number;
  readonly chunkSize?: number;
  readonly maxLlmCallsPerStep?: number;
  readonly evidenceChars?: number;
}

export type Method = 'planner' | 'direct' | 'self-consistency';

/** The recommendation's `mode`: the planner's, or 'direct' for both baselines (neither plans). */
export function recommendationMode(method: Method): 'planner' | 'direct' {
  return method === 'planner' ? 'planner' : 'direct';
}
export type Features = NonNullable<AgentConfigInput['features']>;

export interface SessionSettings {
  readonly outDir: string;
  /** Write the documents to Elasticsearch/OpenSearch (config.store) instead of NDJSON files in outDir. */
  readonly toElasticsearch: boolean;
  readonly budget: BudgetOverrides;
  readonly method: Method;
  readonly features?: Features;
  readonly maxIncidents?: number;
  readonly seed?: number;
  /** Self-consistency only: action samples per step (k); default the planner's call budget (self-consistency-step.ts). */
  readonly samples?: number;
  /** When an incident's replay ends (default: the agent's own stop, see run-incident.ts); `ira eval` stops on its judge. */
  readonly stopRule?: StopRule;
}
