import { z } from 'zod';

/**
 * Knobs of the agent step. Defaults are the papers' (digest §3.3, §7, §10.5) where they exist; γ defaults to 0.5
 * like `IRA_AGENT_CONSISTENCY_GAMMA` because 0.9 (NOMS, calibrated for their model) abstains on almost every step
 * of an uncalibrated small model. `features` switch parts off for the ablations.
 */
const positiveInt = z.number().int().positive();

export const AgentConfig = z.object({
  candidates: positiveInt.default(3),
  rollouts: positiveInt.default(3),
  depth: positiveInt.default(10),
  temperature: z.number().min(0).max(2).default(0.6),
  topP: z.number().gt(0).max(1).default(0.9),
  seed: z.number().int().nonnegative().default(42),
  maxTokens: positiveInt.default(500),
  /** The incident analysis lists tactics, techniques and entities: its worst case needs about twice `maxTokens`. */
  analysisMaxTokens: positiveInt.default(1024),
  /** The conjecture test is greedy with a short answer in the reference code (digest §3.2: 256; 320 fits our worst case). */
  conjectureMaxTokens: positiveInt.default(320),
  contextSize: positiveInt.optional(),
  precisionThreshold: z.number().min(0).max(1).default(0.7),
  consistencyBeta: z.number().nonnegative().default(0.9),
  consistencyGamma: z.number().min(0).max(1).default(0.5),
  rolloutConcurrency: positiveInt.default(3),
  budgets: z
    .object({
      maxLlmCalls: positiveInt.default(200),
      maxTokens: positiveInt.default(200000),
      timeoutMs: positiveInt.default(1800000),
    })
    .prefault({}),
  evidenceChars: positiveInt.default(6000),
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

export const defaultAgentConfig: AgentConfig = AgentConfig.parse({});

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
  overrides: Partial<Pick<AgentConfigInput, 'features'>> = {},
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
