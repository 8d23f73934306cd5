import { isIP } from 'node:net';
import { getPath, isRecord } from '../../core/alert/get-path';
import type { Document, IndexTemplate, WriteOperation } from '../../core/ports/store';

/**
 * What an engine's mapping refuses, for the NDJSON store: a value that cannot be an `ip`, a date or a number where
 * the index template says so is refused with a 400, as Elasticsearch and OpenSearch do. Fields with
 * `ignore_malformed` are skipped (the engines skip the value, not the document). Arrays of objects are not walked,
 * as the engines' dynamic paths are not imitated either: the store contract suite holds both to the same cases.
 */
type FieldType = 'ip' | 'date' | 'number' | 'boolean';
const numberTypes = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long']);

export interface TemplateFields {
  readonly pattern: string;
  readonly fields: ReadonlyMap<string, FieldType>;
}

function collect(properties: unknown, prefix: string, into: Map<string, FieldType>): void {
  if (!isRecord(properties)) return;
  for (const [name, spec] of Object.entries(properties)) {
    if (!isRecord(spec)) continue;
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (isRecord(spec.properties)) collect(spec.properties, path, into);
    if (spec.ignore_malformed === true || typeof spec.type !== 'string') continue;
    if (spec.type === 'ip' || spec.type === 'date' || spec.type === 'boolean') into.set(path, spec.type);
    else if (numberTypes.has(spec.type)) into.set(path, 'number');
  }
}

export function templateFields(template: IndexTemplate): TemplateFields {
  const patterns = template.body.index_patterns;
  const pattern = Array.isArray(patterns) && typeof patterns[0] === 'string' ? patterns[0] : `${template.name}*`;
  const mappings = isRecord(template.body.template) ? template.body.template.mappings : undefined;
  const fields = new Map<string, FieldType>();
  collect(isRecord(mappings) ? mappings.properties : undefined, '', fields);
  return { pattern, fields };
}

function matches(pattern: string, index: string): boolean {
  return pattern.endsWith('*') ? index.startsWith(pattern.slice(0, -1)) : index === pattern;
}

function fits(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'ip':
      return typeof value === 'string' && isIP(value) !== 0;
    case 'date':
      return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));
    case 'number':
      return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' || value === '';
  }
}

/** The reason the engine would refuse `document` in `index`, or undefined when it fits every typed field. */
export function mappingRefusal(templates: Iterable<TemplateFields>, index: string, document: Document): string | undefined {
  for (const template of templates) {
    if (!matches(template.pattern, index)) continue;
    for (const [path, type] of template.fields) {
      const value = getPath(document, path);
      if (value === undefined) continue;
      const values: unknown[] = Array.isArray(value) ? value : [value];
      const bad = values.find((item) => item !== null && !fits(type, item));
      if (bad !== undefined) return `failed to parse field [${path}] of type [${type}]: ${JSON.stringify(bad).slice(0, 100)}`;
    }
  }
  return undefined;
}

/** The documents a write carries (the update's partial doc and its upsert are checked alike). */
export function writtenDocuments(operation: WriteOperation): Document[] {
  if (operation.op === 'update') return [operation.doc];
  return [operation.document];
}
