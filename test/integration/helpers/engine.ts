import { endpoints } from './services';

/** Small read-only REST calls against the engine for assertions (counts, aggregations), with a refresh first. */
export async function countDocuments(index: string, node = endpoints.elasticsearch): Promise<number> {
  await fetch(`${node}/${index}/_refresh?ignore_unavailable=true`, { method: 'POST' });
  const response = await fetch(`${node}/${index}/_count?ignore_unavailable=true`);
  if (!response.ok) return 0;
  return ((await response.json()) as { count: number }).count;
}

export async function termCounts(index: string, field: string, node = endpoints.elasticsearch): Promise<Record<string, number>> {
  await fetch(`${node}/${index}/_refresh?ignore_unavailable=true`, { method: 'POST' });
  const response = await fetch(`${node}/${index}/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 0, aggs: { values: { terms: { field, size: 10000 } } } }),
  });
  const body = (await response.json()) as { aggregations: { values: { buckets: { key: string; doc_count: number }[] } } };
  return Object.fromEntries(body.aggregations.values.buckets.map((bucket) => [bucket.key, bucket.doc_count]));
}

export async function allIds(index: string, node = endpoints.elasticsearch): Promise<string[]> {
  await fetch(`${node}/${index}/_refresh?ignore_unavailable=true`, { method: 'POST' });
  const response = await fetch(`${node}/${index}/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 10000, _source: false, sort: ['_doc'] }),
  });
  const body = (await response.json()) as { hits: { hits: { _id: string }[] } };
  return body.hits.hits.map((hit) => hit._id);
}

/** Every source of an index (up to 1,000), after a refresh; empty when the index does not exist. */
export async function searchSources(index: string, node = endpoints.elasticsearch): Promise<Record<string, unknown>[]> {
  await fetch(`${node}/${index}/_refresh?ignore_unavailable=true`, { method: 'POST' });
  const response = await fetch(`${node}/${index}/_search?ignore_unavailable=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 1000, query: { match_all: {} } }),
  });
  if (!response.ok) return [];
  const body = (await response.json()) as { hits: { hits: { _source: Record<string, unknown> }[] } };
  return body.hits.hits.map((hit) => hit._source);
}
