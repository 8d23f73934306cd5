import type { ClosableLlm } from '../../../src/adapters/llm/create-llm';
import { parseAnswer } from '../../../src/core/llm/parse-answer';
import type { LlmRequest, LlmResult } from '../../../src/core/ports/llm';

/**
 * A scripted model for tests of the stage's plumbing, not of the model: its analysis says "no incident" (so a step
 * is one call), after `perceiveMs`; any other call gets an answer that breaks its schema at once. Each call's start
 * and end are recorded in `calls`.
 */
export function noIncidentModel(options: { name: string; perceiveMs?: number; calls?: { start: number; end: number }[] }): ClosableLlm {
  const perceived = {
    reasoning: 'scripted',
    incident: false,
    description: 'scripted: nothing to do',
    tactics: [],
    techniques: [],
    entities: { attackers: [], systems: [], targets: [] },
    state: { contained: false, assessed: false, preserved: false, evicted: false, hardened: false, restored: false },
  };
  return {
    model: options.name,
    close: () => Promise.resolve(),
    async complete<T>(request: LlmRequest<T>): Promise<LlmResult<T>> {
      const start = Date.now();
      if (request.purpose === 'perceive' && options.perceiveMs) await new Promise((resolve) => setTimeout(resolve, options.perceiveMs));
      options.calls?.push({ start, end: Date.now() });
      const text = request.purpose === 'perceive' ? JSON.stringify(perceived) : '{}';
      return parseAnswer(request.schema, text, { usage: { promptTokens: 10, completionTokens: 10 }, latencyMs: Date.now() - start, model: options.name });
    },
  };
}
