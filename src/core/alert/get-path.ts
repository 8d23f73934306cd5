/** A parsed JSON object. Values stay `unknown` until a field helper has checked their type. */
export type JsonRecord = { readonly [key: string]: unknown };

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a dotted field path from a JSON object whatever mix of dotted and nested keys holds it:
 * `{a:{b:{c}}}`, `{'a.b.c': …}` and `{'a.b': {c}}` all answer `getPath(o, 'a.b.c')`. Kibana stores alerts exactly
 * like that (flattened `kibana.alert.*` keys next to nested ECS objects), and Zeek writes `id.orig_h` literally.
 *
 * The whole path is tried first, then the longest literal prefix: with both `{'a.b': {c: 1}}` and `{a: {'b.c': 2}}`
 * the flatter spelling wins, which is how Kibana's own field resolution reads such documents. Null counts as
 * absent so that a `null` placeholder does not hide a real value under another spelling. Only own properties are
 * read: a key such as `__proto__` in attacker-controlled JSON is data, never a way into the prototype chain.
 * Arrays are not traversed (ECS arrays of objects have no single answer).
 */
export function getPath(record: JsonRecord, path: string): unknown {
  if (Object.hasOwn(record, path)) {
    const value = record[path];
    if (value !== null && value !== undefined) return value;
  }
  let dot = path.lastIndexOf('.');
  while (dot > 0) {
    const head = path.slice(0, dot);
    if (Object.hasOwn(record, head)) {
      const child = record[head];
      if (isRecord(child)) {
        const found = getPath(child, path.slice(dot + 1));
        if (found !== undefined) return found;
      }
    }
    dot = path.lastIndexOf('.', dot - 1);
  }
  return undefined;
}
