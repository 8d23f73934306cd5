import { translateOllamaError } from '../../../src/adapters/llm/ollama-errors';
import { toChatHistory } from '../../../src/adapters/llm/embedded-llm';

const context = { host: 'http://127.0.0.1:1', model: 'm:1b', callerAborted: false, timedOut: false, timeoutMs: 1000 };

/** Shaped like ollama-js's ResponseError (name, error, status_code). */
function responseError(message: string, status: number): Error {
  return Object.assign(new Error(message), { name: 'ResponseError', error: message, status_code: status });
}

describe('translateOllamaError', () => {
  it('maps a missing model (404) to a non-retryable llmRejected that says how to get the model', () => {
    const error = translateOllamaError(responseError("model 'm:1b' not found", 404), context);
    expect(error.code).toBe('IRA_LLM_REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('ollama pull m:1b');
    expect(error.message).toContain('ollama create');
  });

  it('maps other 4xx to llmRejected and 5xx/429 to retryable llmUnavailable', () => {
    expect(translateOllamaError(responseError('bad format', 400), context)).toMatchObject({ code: 'IRA_LLM_REJECTED', retryable: false });
    expect(translateOllamaError(responseError('boom', 500), context)).toMatchObject({ code: 'IRA_LLM_UNAVAILABLE', retryable: true });
    expect(translateOllamaError(responseError('busy', 429), context)).toMatchObject({ retryable: true });
  });

  it('maps connection failures found in the cause chain to retryable llmUnavailable', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const error = translateOllamaError(refused, context);
    expect(error).toMatchObject({ code: 'IRA_LLM_UNAVAILABLE', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('decides abort and timeout by the signals, whatever the error looks like', () => {
    const reason = new DOMException('x', 'AbortError');
    expect(translateOllamaError(reason, { ...context, callerAborted: true })).toMatchObject({ code: 'IRA_ABORTED', retryable: false });
    expect(translateOllamaError(reason, { ...context, timedOut: true })).toMatchObject({ code: 'IRA_LLM_UNAVAILABLE', retryable: true });
  });

  it('leaves unknown failures non-retryable', () => {
    expect(translateOllamaError(new Error('weird'), context)).toMatchObject({ code: 'IRA_LLM_UNAVAILABLE', retryable: false });
  });
});

describe('toChatHistory (embedded prompt rendering)', () => {
  it('puts system and earlier turns in the history and prompts with the last user message', () => {
    const { history, prompt } = toChatHistory([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' },
    ]);
    expect(history).toEqual([
      { type: 'system', text: 'be brief' },
      { type: 'user', text: 'q1' },
      { type: 'model', response: ['a1'] },
    ]);
    expect(prompt).toBe('q2');
  });

  it('refuses a conversation that does not end with the user', () => {
    expect(() => toChatHistory([{ role: 'assistant', content: 'a' }])).toThrow(/end with a user message/);
    expect(() => toChatHistory([])).toThrow(/end with a user message/);
  });
});
