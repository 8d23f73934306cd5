import { z } from 'zod';
import { LlmProfileNames, profileNamed, type LlmProfile, type LlmProfileName } from '../llm/profiles';

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
  /**
   * The model profile (src/core/llm/profiles.ts): per-role answer and thinking budgets, temperature range, where the
   * instructions go. `ask` sizes every call from it; the three answer budgets below are the profile's, for callers.
   */
  profile: z.enum(LlmProfileNames),
  /** Answer budget of actions and states (the profile's `action`). */
  maxTokens: positiveInt,
  /** The incident analysis lists tactics, techniques and entities (the profile's `analysis`). */
  analysisMaxTokens: positiveInt,
  /** The conjecture test's short answer (the profile's `conjecture-test`; digest §3.2 uses 256). */
  conjectureMaxTokens: positiveInt,
  /** The largest context a call may use (the profile's window unless the operator set IRA_LLM_CONTEXT_SIZE). */
  contextSize: positiveInt,
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
  readonly profile: LlmProfileName;
  readonly contextSize: number;
  readonly temperature: number;
  readonly topP: number;
  readonly seed: number;
}

export function agentConfigFromSettings(
  agent: AgentSettings,
  llm: LlmSettings,
  overrides: Partial<AgentConfigInput> = {},
): AgentConfig {
  const profile = profileNamed(overrides.profile ?? llm.profile);
  return AgentConfig.parse({
    candidates: agent.candidates,
    rollouts: agent.rollouts,
    depth: agent.depth,
    temperature: llm.temperature,
    topP: llm.topP,
    seed: llm.seed,
    profile: profile.name,
    maxTokens: profile.answerTokens.action,
    analysisMaxTokens: profile.answerTokens.analysis,
    conjectureMaxTokens: profile.answerTokens['conjecture-test'],
    // A profile named in the overrides brings its own window (the configured size belongs to the configured profile).
    contextSize: profile.name === llm.profile ? llm.contextSize : profile.contextWindow,
    precisionThreshold: agent.precisionThreshold,
    consistencyBeta: agent.consistencyBeta,
    consistencyGamma: agent.consistencyGamma,
    rolloutConcurrency: agent.rolloutConcurrency,
    budgets: { maxLlmCalls: agent.maxLlmCallsPerStep, maxTokens: agent.maxTokensPerStep, timeoutMs: agent.stepTimeoutMs },
    evidenceChars: agent.evidenceChars,
    ...overrides,
  });
}

/** The profile's data for a step's config. */
export function profileOf(config: Pick<AgentConfig, 'profile'>): LlmProfile {
  return profileNamed(config.profile);
}
