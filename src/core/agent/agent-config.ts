import { z } from 'zod';

/**
 * Knobs of the agent step. Every knob an operator can set (`IRA_AGENT_*`, `IRA_LLM_*`) has its one default in
 * src/config.ts and is required here; only the internal limits below carry their default in this schema.
 * `features` switch parts off for the ablations.
 */
const positiveInt = z.number().int().positive();

export const AgentConfig = z.object({
  candidates: positiveInt,
  rollouts: positiveInt,
  depth: positiveInt,
  temperature: z.number().min(0).max(2),
  topP: z.number().gt(0).max(1),
  seed: z.number().int().nonnegative(),
  maxTokens: positiveInt,
  /** The incident analysis lists tactics, techniques and entities: its worst case needs about twice `maxTokens`. */
  analysisMaxTokens: positiveInt.default(1024),
  /** The conjecture test is greedy with a short answer in the reference code (digest §3.2: 256; 320 fits our worst case). */
  conjectureMaxTokens: positiveInt.default(320),
  contextSize: positiveInt.optional(),
  precisionThreshold: z.number().min(0).max(1),
  consistencyBeta: z.number().nonnegative(),
  consistencyGamma: z.number().min(0).max(1),
  rolloutConcurrency: positiveInt,
  budgets: z.object({ maxLlmCalls: positiveInt, maxTokens: positiveInt, timeoutMs: positiveInt }),
  evidenceChars: positiveInt,
  systemChars: positiveInt.default(2000),
  historyItems: positiveInt.default(20),
  features: z
    .object({
      planning: z.boolean().default(true),
      conjectureTest: z.boolean().default(true),
      adaptation: z.boolean().default(true),
    })
    .prefault({}),
});
export type AgentConfig = z.infer<typeof AgentConfig>;
export type AgentConfigInput = z.input<typeof AgentConfig>;

/** The `agent` and `llm` sections of src/config.ts, structurally (the core does not import the config module). */
export interface AgentSettings {
  readonly candidates: number;
  readonly rollouts: number;
  readonly depth: number;
  readonly precisionThreshold: number;
  readonly consistencyBeta: number;
  readonly consistencyGamma: number;
  readonly rolloutConcurrency: number;
  readonly maxLlmCallsPerStep: number;
  readonly maxTokensPerStep: number;
  readonly stepTimeoutMs: number;
  readonly evidenceChars: number;
}
export interface LlmSettings {
  readonly contextSize: number;
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topP: number;
  readonly seed: number;
}

export function agentConfigFromSettings(
  agent: AgentSettings,
  llm: LlmSettings,
  overrides: Partial<AgentConfigInput> = {},
): AgentConfig {
  return AgentConfig.parse({
    candidates: agent.candidates,
    rollouts: agent.rollouts,
    depth: agent.depth,
    temperature: llm.temperature,
    topP: llm.topP,
    seed: llm.seed,
    maxTokens: llm.maxTokens,
    contextSize: llm.contextSize,
    precisionThreshold: agent.precisionThreshold,
    consistencyBeta: agent.consistencyBeta,
    consistencyGamma: agent.consistencyGamma,
    rolloutConcurrency: agent.rolloutConcurrency,
    budgets: { maxLlmCalls: agent.maxLlmCallsPerStep, maxTokens: agent.maxTokensPerStep, timeoutMs: agent.stepTimeoutMs },
    evidenceChars: agent.evidenceChars,
    ...overrides,
  });
}
