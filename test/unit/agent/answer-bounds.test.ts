import { ActionAnswer, IncidentAnswer, RevisionAnswer, SignatureAnswer, StateAnswer } from '../../../src/core/agent/answers';
import { defaultAgentConfig } from '../../../src/config';
import { toJsonSchema, type JsonSchema } from '../../../src/core/llm/json-schema';
import type { z } from 'zod';

/**
 * The longest answer each schema admits, built from the JSON Schema the model is constrained by: every string at its
 * maxLength, every array at its maxItems, the longest enum member. A truncated answer fails its schema, so the worst
 * case must fit the call's token limit.
 */
function worstCase(schema: JsonSchema): unknown {
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).reduce((a, b) => (JSON.stringify(b).length > JSON.stringify(a).length ? b : a));
  if (Array.isArray(schema.anyOf)) {
    return (schema.anyOf as JsonSchema[]).map(worstCase).reduce((a, b) => (JSON.stringify(b).length > JSON.stringify(a).length ? b : a));
  }
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, worstCase(value)]));
    }
    case 'array': {
      const items = worstCase(schema.items as JsonSchema);
      const count = schema.maxItems;
      if (typeof count !== 'number') throw new Error(`array without maxItems: ${JSON.stringify(schema)}`);
      return Array.from({ length: count }, () => items);
    }
    case 'string':
      return 'x'.repeat(schema.maxLength as number);
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return typeof schema.maximum === 'number' ? schema.maximum : 1e9;
    default:
      throw new Error(`no worst case for ${JSON.stringify(schema)}`);
  }
}

/**
 * Tokens per character vary by tokenizer; JSON full of digits, dots and quotes (IP addresses, technique ids) runs at
 * about two characters per token on small models' vocabularies, so that is the estimate here: conservative for prose.
 */
const estimatedTokens = (value: unknown): number => Math.ceil(JSON.stringify(value).length / 2);

describe('answer schemas fit their token limits', () => {
  const { maxTokens, analysisMaxTokens, conjectureMaxTokens } = defaultAgentConfig();
  it.each<[string, z.ZodType, number]>([
    ['IncidentAnswer', IncidentAnswer, analysisMaxTokens],
    ['StateAnswer', StateAnswer, maxTokens],
    ['ActionAnswer', ActionAnswer, maxTokens],
    ['RevisionAnswer', RevisionAnswer, maxTokens],
    ['SignatureAnswer', SignatureAnswer, conjectureMaxTokens],
  ])('%s', (_name, schema, limit) => {
    const worst = worstCase(toJsonSchema(schema));
    // The generator follows the schema the model is held to; the zod schema must accept what it builds.
    expect(schema.safeParse(worst).success).toBe(true);
    expect(estimatedTokens(worst)).toBeLessThanOrEqual(limit);
  });
});
