import { maxPromptTokens, type WindowSpec } from '../llm/call-budget';
import { placeInstructions, profileNamed, type LlmRole } from '../llm/profiles';
import { estimatorFor } from '../llm/prompt-tokens';
import { withEvidenceBudget } from './build-step-context';
import { messagesFor, type StepContext } from './context';
import { historyData, stateText } from './prompt-values';
import { initialRecoveryState } from './recovery-state';

/**
 * Keeps the step's prompts inside the profile's context window by shrinking the evidence digest, never by letting
 * the server cut the prompt's start. The incident-analysis prompt is rendered as the step will send it (the shared
 * head: system, evidence, entities, feedback) and estimated like every call (prompt-tokens.ts); what varies per call
 * after the head (history, state, an action, analysis and conjecture, the role's instructions) gets a fixed reserve.
 * Every call is checked again when it is asked (ask-model.ts): one that still does not fit is not sent.
 */
const varyingReserveTokens = 1536;
const minEvidenceChars = 400;
const maxShrinks = 8;
/** Evidence JSON runs at about 2.2 characters per token (prompt-tokens.ts); cutting a bit more converges faster. */
const evidenceCharsPerToken = 2.5;
const headRoles: readonly LlmRole[] = ['analysis', 'action', 'state', 'revision'];

/** The most prompt tokens the step's head may take so that every role's call still fits the window. */
export function headTokenLimit(context: StepContext): number {
  const window: WindowSpec = { profile: profileNamed(context.config.profile), contextWindow: context.config.contextSize };
  return Math.min(...headRoles.map((role) => maxPromptTokens(window, role))) - varyingReserveTokens;
}

function headTokens(context: StepContext): number {
  const profile = profileNamed(context.config.profile);
  const messages = messagesFor(context, 'incident-analysis', {
    state: stateText(initialRecoveryState),
    history: historyData([], context.config.historyItems),
  });
  return estimatorFor(context.deps.llm).estimate(placeInstructions(profile, messages));
}

/** The context with its evidence digest re-rendered small enough, the shrink noted on the meter for the recommendation. */
export function fitEvidence(context: StepContext): StepContext {
  const limit = headTokenLimit(context);
  let fitted = context;
  let chars = context.config.evidenceChars;
  let tokens = headTokens(fitted);
  for (let shrinks = 0; tokens > limit && chars > minEvidenceChars && shrinks < maxShrinks; shrinks++) {
    chars = Math.max(minEvidenceChars, chars - Math.ceil((tokens - limit) * evidenceCharsPerToken));
    fitted = withEvidenceBudget(context, chars);
    tokens = headTokens(fitted);
  }
  const window = `the ${context.config.contextSize}-token context of profile ${context.config.profile}`;
  if (chars < context.config.evidenceChars) {
    context.meter.note(`evidence digest shrunk from ${context.config.evidenceChars} to ${chars} characters to fit ${window}`);
  }
  if (tokens > limit) context.meter.note(`the prompts' shared part (about ${tokens} tokens) does not fit ${window} even with the smallest evidence digest`);
  return fitted;
}
