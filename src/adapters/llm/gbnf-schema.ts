import { ErrorCodes, IraError } from '../../errors';
import type { JsonSchema } from '../../core/llm/json-schema';

/**
 * Adapts a zod-made JSON Schema to the subset node-llama-cpp 3.22 turns into a grammar: it knows `oneOf` but not
 * `anyOf` (zod's unions and nullables), and has no use for `$schema`. `allOf`/`not` cannot be expressed; such a schema
 * is a programming error. Keywords the grammar ignores (minimum, pattern, …) stay: zod still validates the answer.
 */
export function toGrammarSchema(schema: JsonSchema): JsonSchema {
  return convert(schema, '#') as JsonSchema;
}

function convert(node: unknown, path: string): unknown {
  if (Array.isArray(node)) return node.map((item, index) => convert(item, `${path}/${index}`));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === '$schema') continue;
    if (key === 'allOf' || key === 'not') {
      throw new IraError(ErrorCodes.internal, `answer schema uses "${key}" at ${path}, which the embedded grammar cannot express`);
    }
    if (key === 'const' || key === 'enum' || key === 'default') out[key] = value;
    else if (key === 'properties' || key === '$defs') out[key] = convertMap(value, `${path}/${key}`);
    else out[key === 'anyOf' ? 'oneOf' : key] = convert(value, `${path}/${key}`);
  }
  return out;
}

function convertMap(map: unknown, path: string): unknown {
  if (typeof map !== 'object' || map === null) return map;
  return Object.fromEntries(Object.entries(map).map(([name, child]) => [name, convert(child, `${path}/${name}`)]));
}
