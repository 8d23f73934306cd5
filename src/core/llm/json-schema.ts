import { z } from 'zod';
import { ErrorCodes, IraError } from '../../errors';

/**
 * zod -> JSON Schema for constrained decoding (Ollama `format`, node-llama-cpp grammars).
 *
 * Every free-text string must carry a `maxLength`: a grammar-constrained small model that is not forced to close a
 * string keeps writing until the token limit (design.md, "Known gotchas"). A schema without one is a programming
 * error, so it throws instead of producing a slow, truncated answer later.
 */
export type JsonSchema = Record<string, unknown>;

const cache = new WeakMap<z.ZodType, JsonSchema>();

/** String formats a grammar renders with a fixed shape, so they need no maxLength. */
const boundedFormats = new Set(['date-time', 'date', 'time']);

export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const cached = cache.get(schema);
  if (cached) return cached;
  let converted: JsonSchema;
  try {
    // 'input': the model writes what the schema parses (defaults and transforms apply after it answers).
    converted = z.toJSONSchema(schema, { io: 'input' });
  } catch (error) {
    throw new IraError(ErrorCodes.internal, `answer schema cannot be expressed as JSON Schema: ${String(error)}`, { cause: error });
  }
  const closed = closeObjects(converted) as JsonSchema;
  const unbounded = findUnboundedStrings(closed);
  if (unbounded.length > 0) {
    throw new IraError(
      ErrorCodes.internal,
      `answer schema has strings without maxLength at ${unbounded.join(', ')}; add .max(n) so constrained decoding terminates`,
    );
  }
  const oversized = findOversizedRepetitions(closed);
  if (oversized.length > 0) {
    throw new IraError(
      ErrorCodes.internal,
      `answer schema bounds exceed ${maxRepetitions} at ${oversized.join(', ')}; llama.cpp grammars refuse them ` +
        '(and the Ollama runner crashes on one): split the field or lower the bound',
    );
  }
  cache.set(schema, closed);
  return closed;
}

/** llama.cpp's grammar parser refuses a repetition count above this (MAX_REPETITION_THRESHOLD). */
export const maxRepetitions = 2000;

const repetitionKeywords = ['maxLength', 'minLength', 'maxItems', 'minItems'];

/** Paths of schema nodes whose length or item bounds exceed what a grammar can express. */
export function findOversizedRepetitions(node: unknown, path = '#'): string[] {
  if (!isRecord(node)) return [];
  const own = repetitionKeywords.some((key) => typeof node[key] === 'number' && node[key] > maxRepetitions) ? [path] : [];
  return [...own, ...subschemas(node).flatMap(([suffix, child]) => findOversizedRepetitions(child, `${path}/${suffix}`))];
}

/** JSON-pointer-like paths of string schemas that have no maxLength (and no enum/const/fixed format). */
export function findUnboundedStrings(node: unknown, path = '#'): string[] {
  if (!isRecord(node)) return [];
  const own = isUnboundedString(node) ? [path] : [];
  return [...own, ...subschemas(node).flatMap(([suffix, child]) => findUnboundedStrings(child, `${path}/${suffix}`))];
}

function isUnboundedString(node: Record<string, unknown>): boolean {
  const type = node['type'];
  const isString = type === 'string' || (Array.isArray(type) && type.includes('string'));
  if (!isString) return false;
  if ('enum' in node || 'const' in node) return false;
  if (typeof node['format'] === 'string' && boundedFormats.has(node['format'])) return false;
  return typeof node['maxLength'] !== 'number';
}

const schemaMaps = ['properties', '$defs', 'definitions', 'patternProperties'];
const schemaLists = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const schemaSingles = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames'];

/** The sub-schemas of a schema node, by keyword, so that property names like "enum" are never mistaken for keywords. */
function subschemas(node: Record<string, unknown>): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = [];
  for (const key of schemaMaps) {
    const map = node[key];
    if (isRecord(map)) for (const [name, child] of Object.entries(map)) found.push([`${key}/${name}`, child]);
  }
  for (const key of schemaLists) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((child, index) => found.push([`${key}/${index}`, child]));
  }
  for (const key of schemaSingles) {
    const child = node[key];
    if (Array.isArray(child)) child.forEach((item, index) => found.push([`${key}/${index}`, item]));
    else if (isRecord(child)) found.push([key, child]);
  }
  return found;
}

/**
 * With io 'input' zod leaves objects open (it strips unknown keys when parsing). A model must not invent keys, so
 * objects with declared properties are closed; records (no `properties`) keep their additionalProperties schema.
 */
function closeObjects(node: unknown): unknown {
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = { ...node };
  for (const key of schemaMaps) {
    const map = node[key];
    if (isRecord(map)) out[key] = Object.fromEntries(Object.entries(map).map(([name, child]) => [name, closeObjects(child)]));
  }
  for (const key of [...schemaLists, ...schemaSingles]) {
    const child = node[key];
    if (Array.isArray(child)) out[key] = child.map(closeObjects);
    else if (isRecord(child)) out[key] = closeObjects(child);
  }
  if (node['type'] === 'object' && isRecord(node['properties']) && !('additionalProperties' in node)) {
    out['additionalProperties'] = false;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
