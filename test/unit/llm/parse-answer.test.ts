import { z } from 'zod';
import { extractLastJsonObject, parseAnswer, splitReasoning } from '../../../src/core/llm/parse-answer';

const meta = { usage: { promptTokens: 10, completionTokens: 5 }, latencyMs: 12, model: 'm' };
const Verdict = z.object({ verdict: z.enum(['benign', 'malicious']), reason: z.string().max(80) });

describe('splitReasoning', () => {
  it('removes a leading think block and keeps it as reasoning', () => {
    const split = splitReasoning('<think>\nthe IP is on a blocklist\n</think>\n{"verdict":"malicious","reason":"x"}');
    expect(split.content).toBe('{"verdict":"malicious","reason":"x"}');
    expect(split.reasoning).toBe('the IP is on a blocklist');
  });

  it('joins several think blocks and keeps the text between them', () => {
    const split = splitReasoning('a <think>one</think> b <think>two</think> c');
    expect(split.content).toBe('a  b  c');
    expect(split.reasoning).toBe('one\n\ntwo');
  });

  it('treats text before a lone closing tag as reasoning (opening tag was in the prompt template)', () => {
    const split = splitReasoning('mid-thought text</think>{"a":1}');
    expect(split).toEqual({ content: '{"a":1}', reasoning: 'mid-thought text' });
  });

  it('treats an unclosed block (cut by the token limit) as reasoning only', () => {
    expect(splitReasoning('{"a":1} <think>still thinking')).toEqual({ content: '{"a":1}', reasoning: 'still thinking' });
  });

  it('has no reasoning key when there is no block', () => {
    expect(splitReasoning('  {"a":1} ')).toEqual({ content: '{"a":1}' });
  });
});

describe('extractLastJsonObject', () => {
  it('takes the last object when there are several, ignoring trailing prose', () => {
    expect(extractLastJsonObject('first {"n":1} then {"n":2} hope this helps!')).toEqual({ n: 2 });
  });

  it('returns the outermost object, not a nested one', () => {
    expect(extractLastJsonObject('x {"outer":{"inner":{"deep":true}}} y')).toEqual({ outer: { inner: { deep: true } } });
  });

  it('is not fooled by braces and quotes inside strings', () => {
    const text = 'answer: {"reason":"regex {a,b} and \\"quoted }\\" text","n":3}';
    expect(extractLastJsonObject(text)).toEqual({ reason: 'regex {a,b} and "quoted }" text', n: 3 });
  });

  it('reads the object inside a markdown code fence', () => {
    expect(extractLastJsonObject('```json\n{"ok": true}\n```')).toEqual({ ok: true });
  });

  it('skips a later brace span that is not JSON and an unbalanced tail', () => {
    expect(extractLastJsonObject('{"n":1} and {not json} and {"open": ')).toEqual({ n: 1 });
  });

  it('finds an object after an unclosed prose brace', () => {
    expect(extractLastJsonObject('{ note: see {"n":5}')).toEqual({ n: 5 });
  });

  it('returns undefined when there is no object, or only arrays and scalars', () => {
    expect(extractLastJsonObject('no json here')).toBeUndefined();
    expect(extractLastJsonObject('[1,2,3] 42 "x"')).toBeUndefined();
  });
});

describe('parseAnswer', () => {
  it('returns the validated value with usage, latency, model and raw text', () => {
    const raw = '<think>looks bad</think>Sure: {"verdict":"malicious","reason":"known C2"} done';
    const result = parseAnswer(Verdict, raw, meta);
    expect(result).toEqual({
      ok: true,
      value: { value: { verdict: 'malicious', reason: 'known C2' }, rawText: raw, reasoning: 'looks bad', ...meta },
    });
  });

  it('merges transport reasoning (Ollama thinking) with think blocks', () => {
    const result = parseAnswer(Verdict, '<think>b</think>{"verdict":"benign","reason":"r"}', { ...meta, reasoning: ' a ' });
    expect(result.ok && result.value.reasoning).toBe('a\n\nb');
  });

  it('gives an invalid-answer value naming the failing field when the schema is not met', () => {
    const result = parseAnswer(Verdict, '{"verdict":"unsure","reason":"r"}', meta);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('invalid-answer');
    expect(result.error.message).toMatch(/^the answer does not match the schema: verdict: /);
    expect(result.error.rawText).toBe('{"verdict":"unsure","reason":"r"}');
    expect(result.error.usage).toEqual(meta.usage);
  });

  it('rejects a string longer than the schema allows', () => {
    const result = parseAnswer(Verdict, JSON.stringify({ verdict: 'benign', reason: 'x'.repeat(81) }), meta);
    expect(result.ok).toBe(false);
  });

  it('reports an answer with no JSON, an answer that is only reasoning, and truncation', () => {
    const none = parseAnswer(Verdict, 'I cannot decide.', meta);
    const onlyThinking = parseAnswer(Verdict, '<think>hmm', meta);
    const truncated = parseAnswer(Verdict, '{"verdict":"benign","rea', { ...meta, truncated: true });
    expect(!none.ok && none.error.message).toBe('the answer holds no JSON object');
    expect(!onlyThinking.ok && onlyThinking.error.message).toBe('the answer is empty (only reasoning or nothing)');
    expect(!truncated.ok && truncated.error.message).toMatch(/cut at the token limit/);
  });

  it('does not take JSON from inside the reasoning', () => {
    const result = parseAnswer(Verdict, '<think>{"verdict":"benign","reason":"draft"}</think>final answer: none', meta);
    expect(result.ok).toBe(false);
  });

  it('bounds the validation message', () => {
    const Many = z.object(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`field${i}`, z.number()])));
    const result = parseAnswer(Many, '{}', meta);
    expect(!result.ok && result.error.message.length).toBeLessThanOrEqual(700);
  });
});
