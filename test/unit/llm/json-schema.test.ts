import { z } from 'zod';
import { findUnboundedStrings, toJsonSchema } from '../../../src/core/llm/json-schema';
import { toGrammarSchema } from '../../../src/adapters/llm/gbnf-schema';
import { IraError } from '../../../src/errors';

const Action = z.object({
  kind: z.enum(['isolate-host', 'block-ip']),
  target: z.string().max(64),
  steps: z.array(z.object({ text: z.string().max(120), done: z.boolean() })).max(5),
  note: z.string().max(200).nullable(),
  at: z.iso.datetime().optional(),
  tag: z.literal('v1'),
});

describe('toJsonSchema', () => {
  it('converts a bounded schema, closing every object', () => {
    const schema = toJsonSchema(Action);
    expect(schema['type']).toBe('object');
    expect(schema['additionalProperties']).toBe(false);
    const steps = (schema['properties'] as Record<string, Record<string, unknown>>)['steps'];
    expect((steps?.['items'] as Record<string, unknown>)['additionalProperties']).toBe(false);
    expect(findUnboundedStrings(schema)).toEqual([]);
  });

  it('returns the same object for the same zod schema (cached)', () => {
    expect(toJsonSchema(Action)).toBe(toJsonSchema(Action));
  });

  it('throws an internal IraError naming every unbounded string', () => {
    const Bad = z.object({ ok: z.string().max(5), free: z.string(), list: z.array(z.string()), maybe: z.string().nullable() });
    let thrown: unknown;
    try {
      toJsonSchema(Bad);
    } catch (error) {
      thrown = error;
    }
    expect(IraError.isInstance(thrown) && thrown.code).toBe('IRA_INTERNAL');
    const message = (thrown as Error).message;
    expect(message).toContain('#/properties/free');
    expect(message).toContain('#/properties/list/items');
    expect(message).toContain('#/properties/maybe');
    expect(message).not.toContain('#/properties/ok');
  });

  it('throws an internal IraError for bounds a grammar cannot express', () => {
    const schema = z.object({ essay: z.string().max(6000), ok: z.string().max(2000) });
    expect(() => toJsonSchema(schema)).toThrow(/exceed 2000 at #\/properties\/essay;/);
    expect(() => toJsonSchema(z.object({ parts: z.array(z.string().max(10)).max(5000) }))).toThrow(IraError);
  });

  it('does not mistake a property named like a keyword for the keyword', () => {
    const Named = z.object({ enum: z.string(), const: z.string().max(3) });
    expect(findUnboundedStrings(z.toJSONSchema(Named))).toEqual(['#/properties/enum']);
  });

  it('accepts strings bounded by enum, const or a fixed format', () => {
    expect(findUnboundedStrings({ type: 'string', enum: ['a'] })).toEqual([]);
    expect(findUnboundedStrings({ type: 'string', const: 'a' })).toEqual([]);
    expect(findUnboundedStrings({ type: 'string', format: 'date-time' })).toEqual([]);
    expect(findUnboundedStrings({ type: 'string', format: 'email' })).toEqual(['#']);
    expect(findUnboundedStrings({ type: ['string', 'null'] })).toEqual(['#']);
  });

  it('rejects schemas JSON Schema cannot express', () => {
    expect(() => toJsonSchema(z.object({ when: z.date() }))).toThrow(/cannot be expressed/);
  });
});

describe('toGrammarSchema (node-llama-cpp subset)', () => {
  it('turns anyOf into oneOf, drops $schema and keeps everything else', () => {
    const grammar = toGrammarSchema(toJsonSchema(Action));
    const text = JSON.stringify(grammar);
    expect(text).not.toContain('anyOf');
    expect(text).not.toContain('$schema');
    const note = (grammar['properties'] as Record<string, Record<string, unknown>>)['note'];
    expect(note?.['oneOf']).toEqual([{ type: 'string', maxLength: 200 }, { type: 'null' }]);
  });

  it('keeps a property that happens to be called anyOf', () => {
    const grammar = toGrammarSchema(toJsonSchema(z.object({ anyOf: z.string().max(3) })));
    expect(Object.keys(grammar['properties'] as object)).toEqual(['anyOf']);
  });

  it('refuses allOf, which the grammar cannot express', () => {
    expect(() => toGrammarSchema({ allOf: [{ type: 'object' }] })).toThrow(/allOf/);
  });
});
