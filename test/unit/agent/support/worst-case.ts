import type { JsonSchema } from '../../../../src/core/llm/json-schema';

/**
 * The longest answer a schema admits, built from the JSON Schema the model is constrained by: every string at its
 * maxLength, every array at its maxItems, the longest enum member. A truncated answer fails its schema, so the worst
 * case must fit the call's answer budget.
 */
export function worstCase(schema: JsonSchema): unknown {
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
 * Answer tokens, conservatively: JSON full of digits, dots and quotes (IP addresses, technique ids) runs at about two
 * characters per token on small models' vocabularies, and every digit is a token of its own.
 */
export function answerTokens(value: unknown): number {
  const text = JSON.stringify(value);
  const digits = (text.match(/[0-9]/g) ?? []).length;
  return digits + Math.ceil((text.length - digits) / 2);
}
