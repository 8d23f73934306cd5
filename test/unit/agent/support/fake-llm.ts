import type { LlmPurpose, LlmRequest, LlmUsage } from '../../../../src/core/ports/llm';
import { ScriptedLlm, type ScriptedCall } from '../../../doubles/scripted-llm';

/**
 * The shared scripted double (test/doubles/scripted-llm.ts) driven by one handler: the script is a long list of the
 * same reply function, so answers go through the shared schema checks and parsing, an unplanned call beyond the
 * script still throws, and the handler can answer by purpose and prompt content (rollouts interleave, so a fixed
 * order would not describe them). The wrapper counts the calls in flight at once.
 */
export const INVALID = Symbol('invalid answer');
/** A handler returns the answer object (or INVALID), possibly as a promise. */
export type Handler = (request: LlmRequest<unknown>, index: number) => unknown;

const scriptLength = 1000;

export class FakeLlm extends ScriptedLlm {
  inFlight = 0;
  maxInFlight = 0;
  private answered = 0;

  constructor(handler: Handler, usage: LlmUsage = { promptTokens: 100, completionTokens: 20 }) {
    const reply = async (request: LlmRequest<unknown>): Promise<string> => {
      const index = this.answered++;
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        // Yield a few times so that concurrent callers really overlap.
        for (let turn = 0; turn < 3; turn++) await Promise.resolve();
        const answer = await handler(request, index);
        return answer === INVALID ? 'Sure! {"oops": tru' : JSON.stringify(answer);
      } finally {
        this.inFlight -= 1;
      }
    };
    super(
      Array.from({ length: scriptLength }, () => reply),
      { model: 'fake-model', latencyMs: 5, usage: () => usage },
    );
  }

  count(purpose: LlmPurpose): number {
    return this.callsFor(purpose).length;
  }
}

export function userOf(call: ScriptedCall): string {
  return call.messages.find((message) => message.role === 'user')?.content ?? '';
}
