import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The saved objects of dashboards/ checked against the index templates of mappings/ and each product's export
 * format. Neither Kibana nor OpenSearch Dashboards runs here, so this is what can be checked without them.
 */
const root = join(__dirname, '..', '..', '..');
type Field = { type?: string; properties?: Record<string, Field>; fields?: Record<string, Field> };
type SavedObject = {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: { id: string; name: string; type: string }[];
  coreMigrationVersion?: string;
  typeMigrationVersion?: string;
  migrationVersion?: Record<string, string>;
};

const products = [
  { product: 'kibana', folder: 'dashboards/kibana' },
  { product: 'opensearch-dashboards', folder: 'dashboards/opensearch-dashboards' },
] as const;

const mappings = new Map<string, Record<string, Field>>(
  readdirSync(join(root, 'mappings'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const file = JSON.parse(readFileSync(join(root, 'mappings', name), 'utf8')) as { template: { mappings: { properties: Record<string, Field> } } };
      return [name.replace(/\.json$/, ''), file.template.mappings.properties];
    }),
);

/** The mapped type of a dotted path, following object properties and multi-field sub-fields. */
function typeOf(index: string, path: string): string | undefined {
  let level: Record<string, Field> | undefined = mappings.get(index);
  let found: Field | undefined;
  const parts = path.split('.');
  for (let i = 0; i < parts.length && level; i++) {
    // Dotted names that are one key (none today) would be matched greedily here.
    found = level[parts[i] as string];
    if (!found) return undefined;
    level = i < parts.length - 1 ? (found.properties ?? found.fields) : undefined;
  }
  return found?.type ?? (found?.properties ? 'object' : undefined);
}

const NUMERIC = ['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float'];
const AGGREGATABLE = ['keyword', 'date', 'ip', 'boolean', ...NUMERIC];
const FITS: Record<string, string[]> = {
  date_histogram: ['date'],
  histogram: NUMERIC,
  terms: AGGREGATABLE,
  cardinality: AGGREGATABLE,
  max: [...NUMERIC, 'date'],
  min: [...NUMERIC, 'date'],
  avg: NUMERIC,
  sum: NUMERIC,
};

/** Field names in a KQL query (`field : value`), quoted values removed first. */
function kqlFields(query: string): string[] {
  const unquoted = query.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...unquoted.matchAll(/(?:^|[\s(])([A-Za-z@_][\w.@]*)\s*:/g)].map((match) => match[1] as string);
}

function load(folder: string): { objects: SavedObject[]; summary: Record<string, unknown> | undefined } {
  const lines = readdirSync(join(root, folder))
    .filter((name) => name.endsWith('.ndjson'))
    .flatMap((name) => readFileSync(join(root, folder, name), 'utf8').split('\n').filter((line) => line.trim() !== ''));
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const last = parsed[parsed.length - 1];
  const summary = last && 'exportedCount' in last ? last : undefined;
  return { objects: (summary ? parsed.slice(0, -1) : parsed) as SavedObject[], summary };
}

describe.each(products)('saved objects for $product', ({ product, folder }) => {
  const { objects, summary } = load(folder);
  const byId = new Map(objects.map((object) => [`${object.type}:${object.id}`, object]));
  const indexOf = (object: SavedObject): string => {
    const reference = object.references.find((ref) => ref.name === 'kibanaSavedObjectMeta.searchSourceJSON.index');
    const pattern = byId.get(`index-pattern:${reference?.id ?? ''}`);
    const title = pattern?.attributes.title as string | undefined ?? '';
    return title.replace(/\*$/, '');
  };
  const searchSource = (object: SavedObject) =>
    JSON.parse(String((object.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON)) as {
      query: { query: string; language: string };
      filter: unknown[];
      indexRefName?: string;
    };

  test('every line is one saved object in the export format (the summary line, when present, counts them)', () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      expect(['index-pattern', 'search', 'visualization', 'dashboard']).toContain(object.type);
      expect(object.id).toMatch(/^[a-z0-9-]+$/);
      expect(typeof object.attributes.title).toBe('string');
      expect(Array.isArray(object.references)).toBe(true);
      for (const reference of object.references) {
        expect(byId.has(`${reference.type}:${reference.id}`)).toBe(true);
      }
      if (product === 'kibana') {
        expect(object.coreMigrationVersion).toMatch(/^8\.\d+\.\d+$/);
        expect(object.typeMigrationVersion).toMatch(/^\d+\.\d+\.\d+$/);
        expect(object.migrationVersion).toBeUndefined();
      } else {
        expect(Object.keys(object.migrationVersion ?? {})).toEqual([object.type]);
        expect(object.migrationVersion?.[object.type]).toMatch(/^7\.\d+\.\d+$/);
        expect(object.coreMigrationVersion).toBeUndefined();
      }
    }
    if (summary) expect(summary).toMatchObject({ exportedCount: objects.length, missingRefCount: 0 });
  });

  test('data views for the four indices, with @timestamp as their time field', () => {
    const patterns = objects.filter((object) => object.type === 'index-pattern');
    expect(patterns.map((object) => object.attributes.title).sort()).toEqual(['ira-alerts*', 'ira-conjectures*', 'ira-incidents*', 'ira-recommendations*']);
    for (const pattern of patterns) {
      const index = String(pattern.attributes.title).replace(/\*$/, '');
      expect(mappings.has(index)).toBe(true);
      expect(pattern.attributes.timeFieldName).toBe('@timestamp');
      expect(typeOf(index, '@timestamp')).toBe('date');
      const formats = JSON.parse((pattern.attributes.fieldFormatMap as string | undefined) ?? '{}') as Record<string, unknown>;
      for (const field of Object.keys(formats)) expect(typeOf(index, field)).toBeDefined();
    }
  });

  test('the three saved searches and the drill-down search exist', () => {
    const titles = objects.filter((object) => object.type === 'search').map((object) => object.attributes.title);
    expect(titles).toEqual(expect.arrayContaining(['Open recommendations', 'Abstentions for an analyst', 'Conjecture revisions', 'Alerts of an incident']));
  });

  test('every column, sort field and query field of a search is mapped; sort fields are not text', () => {
    for (const object of objects.filter((candidate) => candidate.type === 'search')) {
      const index = indexOf(object);
      const source = searchSource(object);
      expect(source.indexRefName).toBe('kibanaSavedObjectMeta.searchSourceJSON.index');
      expect(source.query.language).toBe('kuery');
      for (const column of object.attributes.columns as string[]) expect([object.attributes.title, column, typeOf(index, column)]).toEqual([object.attributes.title, column, expect.any(String)]);
      for (const [field] of object.attributes.sort as [string, string][]) expect(AGGREGATABLE).toContain(typeOf(index, field));
      for (const field of kqlFields(source.query.query)) expect([field, typeOf(index, field)]).toEqual([field, expect.any(String)]);
    }
  });

  test('every aggregation of a visualization runs on a field whose type fits it (no text)', () => {
    const visualizations = objects.filter((object) => object.type === 'visualization');
    expect(visualizations.length).toBeGreaterThanOrEqual(5);
    for (const object of visualizations) {
      const index = indexOf(object);
      expect(mappings.has(index)).toBe(true);
      const state = JSON.parse(String(object.attributes.visState)) as { type: string; aggs: { type: string; params: { field?: string } }[] };
      for (const agg of state.aggs) {
        if (agg.type === 'count') continue;
        const field = agg.params.field as string;
        expect([object.attributes.title, agg.type, field, FITS[agg.type]?.includes(typeOf(index, field) ?? 'missing')]).toEqual([
          object.attributes.title, agg.type, field, true,
        ]);
      }
      for (const field of kqlFields(searchSource(object).query.query)) expect([field, typeOf(index, field)]).toEqual([field, expect.any(String)]);
    }
  });

  test('the dashboard places every panel through a reference of the right type', () => {
    const dashboard = objects.find((object) => object.type === 'dashboard');
    expect(dashboard).toBeDefined();
    const panels = JSON.parse(String(dashboard?.attributes.panelsJSON)) as { panelIndex: string; panelRefName: string; type: string; gridData: { i: string } }[];
    expect(panels.length).toBe(dashboard?.references.length);
    for (const panel of panels) {
      const name = product === 'kibana' ? `${panel.panelIndex}:${panel.panelRefName}` : panel.panelRefName;
      const reference = dashboard?.references.find((ref) => ref.name === name);
      expect(reference?.type).toBe(panel.type);
      expect(panel.gridData.i).toBe(panel.panelIndex);
    }
    const titles = dashboard?.references.map((ref) => byId.get(`${ref.type}:${ref.id}`)?.attributes.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Recommendations over time by action kind', 'Abstentions by reason', 'Incidents by score and tactic', 'Recovery stages reached', 'Alerts of an incident',
      ]),
    );
  });
});

test('typeOf follows objects and multi-fields, and misses what is not mapped', () => {
  expect(typeOf('ira-recommendations', 'message.keyword')).toBe('keyword');
  expect(typeOf('ira-recommendations', 'related.ip')).toBe('ip');
  expect(typeOf('ira-incidents', 'entities.ips.ip')).toBe('ip');
  expect(typeOf('ira-alerts', 'event.nothing')).toBeUndefined();
  expect(kqlFields('ira.status : "a: b" and not abstained : true')).toEqual(['ira.status', 'abstained']);
});
