import type { LlmMessage, LlmPurpose } from '../ports/llm';

/**
 * Model profiles: what the agent must know about a model family to size and shape its calls. Pure data; the
 * operator picks one with IRA_LLM_PROFILE (its default per provider sits in src/config.ts). docs/llm.md has the table.
 *
 * - `contextWindow`: the largest context (Ollama `num_ctx`) a call may use; each call asks for what it needs.
 * - `answerTokens`: per role, the answer's worst case (test/unit/agent/answer-bounds.test.ts checks each schema).
 * - `thinkingTokens`: what a reasoning model may think before it answers, on top of the answer; 0 otherwise.
 * - `maxCompletionTokens`: how far a truncated call's retry may grow thinking + answer.
 * - `temperature`: the range every call is clamped to. DeepSeek's guidance for R1 is 0.5–0.7 and no greedy decoding
 *   (it repeats itself at 0), so the agent's temperature-0 questions run at 0.5 with their fixed seed.
 * - `instructions`: 'user' moves the system message into the user turn (DeepSeek: R1 has no system prompt).
 */
export const LlmProfileNames = ['deepseek-r1', 'smollm2', 'generic'] as const;
export type LlmProfileName = (typeof LlmProfileNames)[number];

export const LlmRoles = ['analysis', 'action', 'state', 'conjecture-test', 'revision', 'judge'] as const;
export type LlmRole = (typeof LlmRoles)[number];

export interface LlmProfile {
  readonly name: LlmProfileName;
  readonly contextWindow: number;
  readonly answerTokens: Readonly<Record<LlmRole, number>>;
  readonly thinkingTokens: number;
  readonly maxCompletionTokens: number;
  readonly temperature: { readonly min: number; readonly max: number };
  readonly instructions: 'system' | 'user';
}

/** Bounded answer schemas make these the same for every model; only the thinking on top differs. */
const answerTokens: Readonly<Record<LlmRole, number>> = {
  analysis: 1024,
  action: 500,
  state: 256,
  'conjecture-test': 320,
  revision: 600,
  judge: 320,
};

export const LlmProfiles: Readonly<Record<LlmProfileName, LlmProfile>> = {
  'deepseek-r1': {
    name: 'deepseek-r1',
    // The 14B distill takes 128k; 32k keeps its KV cache (about 6 GiB at f16) beside the weights on one 24 GiB GPU.
    contextWindow: 32768,
    answerTokens,
    thinkingTokens: 3072,
    maxCompletionTokens: 12288,
    temperature: { min: 0.5, max: 0.7 },
    instructions: 'user',
  },
  smollm2: {
    name: 'smollm2',
    contextWindow: 8192,
    answerTokens,
    thinkingTokens: 0,
    maxCompletionTokens: 2048,
    temperature: { min: 0, max: 2 },
    instructions: 'system',
  },
  generic: {
    name: 'generic',
    contextWindow: 8192,
    answerTokens,
    thinkingTokens: 0,
    maxCompletionTokens: 4096,
    temperature: { min: 0, max: 2 },
    instructions: 'system',
  },
};

export function profileNamed(name: LlmProfileName): LlmProfile {
  return LlmProfiles[name];
}

const roleByPurpose: Readonly<Record<LlmPurpose, LlmRole>> = {
  perceive: 'analysis',
  'generate-action': 'action',
  'direct-plan': 'action',
  'predict-state': 'state',
  'conjecture-test': 'conjecture-test',
  'conjecture-revise': 'revision',
  judge: 'judge',
};

export function roleOf(purpose: LlmPurpose): LlmRole {
  return roleByPurpose[purpose];
}

export function isReasoning(profile: LlmProfile): boolean {
  return profile.thinkingTokens > 0;
}

/** The requested temperature clamped to the profile's range (never greedy for R1); the seed stays fixed. */
export function profileTemperature(profile: LlmProfile, requested: number): number {
  return Math.min(profile.temperature.max, Math.max(profile.temperature.min, requested));
}

/**
 * Where the instructions go. 'user': every system message is prepended to the first user message, in order, so
 * the shared prefix stays byte-identical across calls (prefix caching still works).
 */
export function placeInstructions(profile: LlmProfile, messages: readonly LlmMessage[]): readonly LlmMessage[] {
  if (profile.instructions === 'system') return messages;
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  if (system.length === 0) return messages;
  const rest = messages.filter((message) => message.role !== 'system');
  const firstUser = rest.findIndex((message) => message.role === 'user');
  if (firstUser === -1) return [{ role: 'user', content: system.join('\n\n') }, ...rest];
  return rest.map((message, index) =>
    index === firstUser ? { role: 'user', content: `${system.join('\n\n')}\n\n${message.content}` } : message,
  );
}
