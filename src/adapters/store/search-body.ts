import type { Document, SearchFilter, SearchHit, SearchRequest, StoredDocument } from '../../core/ports/store';

export interface RawHit {
  _id: string;
  _index: string;
  _source?: Document;
  _seq_no?: number;
  _primary_term?: number;
  sort?: (string | number)[];
}

function filterClause(filter: SearchFilter): Document {
  switch (filter.kind) {
    case 'term':
      return { term: { [filter.field]: filter.value } };
    case 'terms':
      return { terms: { [filter.field]: filter.values } };
    case 'range': {
      const bounds: Document = {};
      for (const key of ['gte', 'gt', 'lte', 'lt'] as const) if (filter[key] !== undefined) bounds[key] = filter[key];
      return { range: { [filter.field]: bounds } };
    }
    case 'exists':
      return { exists: { field: filter.field } };
  }
}

/** The query DSL both engines take; filters only (no scoring), exact totals, and seq_no/term on every hit. */
export function searchBody(request: SearchRequest): Document {
  return {
    query: { bool: { filter: (request.filters ?? []).map(filterClause) } },
    size: request.size ?? 10,
    track_total_hits: true,
    seq_no_primary_term: true,
    ...(request.sort ? { sort: request.sort.map((entry) => ({ [entry.field]: { order: entry.order } })) } : {}),
    ...(request.searchAfter ? { search_after: request.searchAfter } : {}),
  };
}

export function toStoredDocument(hit: RawHit): StoredDocument {
  return {
    id: hit._id,
    index: hit._index,
    source: hit._source ?? {},
    seqNo: hit._seq_no ?? -1,
    primaryTerm: hit._primary_term ?? -1,
  };
}

export function toHit(hit: RawHit): SearchHit {
  return { ...toStoredDocument(hit), ...(hit.sort ? { sort: hit.sort } : {}) };
}

