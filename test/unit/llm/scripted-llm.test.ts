import { z } from 'zod';
import type { LlmPurpose, LlmRequest } from '../../../src/core/ports/llm';
import { IraError } from '../../../src/errors';
import { ScriptedLlm, ScriptExhaustedError } from '../../doubles/scripted-llm';

const Answer = z.object({ action: z.string().max(40), confidence: z.number().min(0).max(1) });

function request(purpose: LlmPurpose = 'generate-action', content = 'what now?', signal = new AbortController().signal): LlmRequest<z.infer<typeof Answer>> {
  return { purpose, messages: [{ role: 'user', content }], schema: Answer, temperature: 0.6, topP: 0.9, seed: 7, maxTokens: 100, signal };
}

describe('ScriptedLlm (ordered)', () => {
  it('validates object replies through the request schema and records each call', async () => {
    const llm = new ScriptedLlm([{ action: 'isolate web-01', confidence: 0.8 }]);
    const result = await llm.complete(request());
    expect(result.ok && result.value.value).toEqual({ action: 'isolate web-01', confidence: 0.8 });
    expect(result.ok && result.value.usage.promptTokens).toBeGreaterThan(0);
    expect(llm.calls).toEqual([
      { purpose: 'generate-action', messages: [{ role: 'user', content: 'what now?' }], options: { temperature: 0.6, topP: 0.9, seed: 7, contextSize: undefined, maxTokens: 100 } },
    ]);
  });

  it('returns an invalid answer (not a throw) for a reply that breaks the schema', async () => {
    const llm = new ScriptedLlm([{ action: 'x', confidence: 7 }, 'no json at all']);
    const first = await llm.complete(request());
    const second = await llm.complete(request());
    expect(!first.ok && first.error.message).toMatch(/confidence/);
    expect(!second.ok && second.error.kind).toBe('invalid-answer');
  });

  it('parses raw strings like model text, think blocks included', async () => {
    const llm = new ScriptedLlm(['<think>hmm</think> ok: {"action":"block","confidence":0.5}']);
    const result = await llm.complete(request());
    expect(result.ok && result.value.reasoning).toBe('hmm');
  });

  it('calls function replies with the request and throws scripted errors', async () => {
    const failure = new IraError('IRA_LLM_UNAVAILABLE', 'down', { retryable: true });
    const llm = new ScriptedLlm([
      (req: LlmRequest<unknown>) => ({ action: `echo ${req.messages[0]?.content ?? ''}`, confidence: 1 }),
      () => Promise.resolve('{"action":"async","confidence":0}'),
      failure,
    ]);
    const echoed = await llm.complete(request('perceive', 'hi'));
    const asynchronous = await llm.complete(request());
    expect(echoed.ok && echoed.value.value.action).toBe('echo hi');
    expect(asynchronous.ok && asynchronous.value.value.action).toBe('async');
    await expect(llm.complete(request())).rejects.toBe(failure);
  });

  it('throws a clear error when the script runs out', async () => {
    const llm = new ScriptedLlm([{ action: 'a', confidence: 1 }]);
    await llm.complete(request());
    const extra = llm.complete(request('judge', 'one more'));
    await expect(extra).rejects.toBeInstanceOf(ScriptExhaustedError);
    await expect(llm.complete(request('judge'))).rejects.toThrow(/ran out after 1 reply; unexpected call #3 \(purpose "judge"\)/);
    expect(llm.remaining()).toBe(0);
  });

  it('rejects an aborted request with an aborted IraError without consuming a reply', async () => {
    const controller = new AbortController();
    controller.abort();
    const llm = new ScriptedLlm([{ action: 'a', confidence: 1 }]);
    await expect(llm.complete(request('perceive', 'x', controller.signal))).rejects.toMatchObject({ code: 'IRA_ABORTED' });
    expect(llm.remaining()).toBe(1);
  });

  it('enforces the adapters precondition: every string in the schema is bounded', async () => {
    const llm = new ScriptedLlm([{ free: 'x' }]);
    const unbounded = { ...request(), schema: z.object({ free: z.string() }) };
    await expect(llm.complete(unbounded)).rejects.toThrow(/maxLength/);
  });
});

describe('ScriptedLlm.keyed', () => {
  it('serves each purpose from its own list whatever the interleaving', async () => {
    const llm = ScriptedLlm.keyed({
      'predict-state': [{ action: 's1', confidence: 0.1 }, { action: 's2', confidence: 0.2 }],
      'generate-action': [{ action: 'a1', confidence: 0.9 }],
    });
    const order: Array<[LlmPurpose, string]> = [];
    for (const purpose of ['predict-state', 'generate-action', 'predict-state'] as const) {
      const result = await llm.complete(request(purpose));
      order.push([purpose, result.ok ? result.value.value.action : 'invalid']);
    }
    expect(order).toEqual([['predict-state', 's1'], ['generate-action', 'a1'], ['predict-state', 's2']]);
    expect(llm.callsFor('predict-state')).toHaveLength(2);
  });

  it('throws when a purpose has no script or its list is used up', async () => {
    const llm = ScriptedLlm.keyed({ perceive: [{ action: 'p', confidence: 1 }] });
    await expect(llm.complete(request('judge'))).rejects.toThrow(/purpose "judge"/);
    await llm.complete(request('perceive'));
    await expect(llm.complete(request('perceive'))).rejects.toBeInstanceOf(ScriptExhaustedError);
  });
});
