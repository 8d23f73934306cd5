import { z } from 'zod';
import type { DocumentStore, SearchFilter } from '../../core/ports/store';
import { DEFAULT_TRIAGE_OPTIONS, hydrateTriageState, type Incident, type TriageOptions, type TriageState } from '../../core/triage';
import type { Logger } from '../../logger';

const StoredIncident = z.object({
  id: z.string().min(1),
  status: z.enum(['open', 'merged', 'closed']),
  merged_into: z.string().optional(),
  case_id: z.string().optional(),
  first_seen: z.string(),
  last_seen: z.string(),
  '@timestamp': z.string(),
  alert_count: z.number(),
  unique_alert_count: z.number(),
  score: z.number(),
  max_severity: z.number(),
  entities: z.object({ hosts: z.array(z.string()), ips: z.array(z.string()), users: z.array(z.string()) }),
  tactics: z.array(z.string()),
  techniques: z.array(z.string()),
  rules: z.array(z.string()),
  formats: z.array(z.string()),
  version: z.number().int(),
  entities_truncated: z.number().optional(),
  related: z.array(z.string()).optional(),
});

const PAGE = 1000;

/**
 * Loads the incidents a restarted triage must continue: open ones, and closed ones carrying a case id (a later
 * alert of the case reopens them), whose last alert falls within one correlation window of the newest incident.
 * The window is measured in alert time, not wall time, so a replay of old data resumes the same way; an incident
 * whose last alert claims a time beyond `nowMs + maxAheadMs` (a poisoned clock stored before the skew bound) is not
 * taken as the newest, or it would hide every real one.
 */
export async function loadRecentIncidents(
  store: DocumentStore,
  index: string,
  options: { windowMs: number; limit: number; nowMs: number; maxAheadMs: number },
  signal: AbortSignal,
): Promise<Incident[]> {
  const plausible: SearchFilter = { kind: 'range', field: 'last_seen', lte: new Date(options.nowMs + options.maxAheadMs).toISOString() };
  const newest = await store.search({ index, filters: [plausible], sort: [{ field: 'last_seen', order: 'desc' }], size: 1 }, signal);
  const latest = newest.hits[0]?.source.last_seen;
  if (typeof latest !== 'string' || Number.isNaN(Date.parse(latest))) return [];
  const since = new Date(Date.parse(latest) - options.windowMs).toISOString();
  const filters: SearchFilter[] = [
    { kind: 'range', field: 'last_seen', gte: since },
    { kind: 'terms', field: 'status', values: ['open', 'closed'] },
  ];
  const incidents: Incident[] = [];
  let searchAfter: (string | number)[] | undefined;
  while (incidents.length < options.limit) {
    const page = await store.search(
      { index, filters, sort: [{ field: 'last_seen', order: 'desc' }, { field: 'id', order: 'asc' }], size: PAGE, ...(searchAfter ? { searchAfter } : {}) },
      signal,
    );
    for (const hit of page.hits) {
      const parsed = StoredIncident.safeParse(hit.source);
      if (!parsed.success) continue;
      if (parsed.data.status === 'open' || parsed.data.case_id !== undefined) incidents.push(parsed.data as Incident);
    }
    searchAfter = page.hits[page.hits.length - 1]?.sort;
    if (page.hits.length < PAGE || !searchAfter) break;
  }
  return incidents.slice(0, options.limit);
}

export async function hydrateFromStore(
  store: DocumentStore,
  index: string,
  options: TriageOptions & { limit: number; nowMs: number },
  logger: Logger,
  signal: AbortSignal,
): Promise<TriageState> {
  // A search sees only refreshed segments: without this, a restart within a second of the previous run's last
  // writes misses those incidents and opens duplicates of them.
  await store.refresh(index, signal);
  const maxAheadMs = options.maxClockAheadMs ?? DEFAULT_TRIAGE_OPTIONS.maxClockAheadMs;
  const incidents = await loadRecentIncidents(store, index, { windowMs: options.windowMs, limit: options.limit, nowMs: options.nowMs, maxAheadMs }, signal);
  logger.info('triage-hydrated', { incidents: incidents.length, open: incidents.filter((i) => i.status === 'open').length });
  return hydrateTriageState(options, incidents, options.nowMs);
}

/**
 * The ids of incidents an analyst closed (`ira.closed`, a false positive) whose last alert falls within one
 * correlation window before `watermarkMs` (triage's alert-time clock; all of them when it has none yet): what stage 1
 * may still hold open or remember for a case. A cheap filtered search, paged like loadRecentIncidents.
 */
export async function loadAnalystClosures(
  store: DocumentStore,
  index: string,
  options: { windowMs: number; watermarkMs: number; limit: number },
  signal: AbortSignal,
): Promise<string[]> {
  const filters: SearchFilter[] = [{ kind: 'exists', field: 'ira.closed.at' }];
  if (Number.isFinite(options.watermarkMs)) filters.push({ kind: 'range', field: 'last_seen', gte: new Date(options.watermarkMs - options.windowMs).toISOString() });
  const ids: string[] = [];
  let searchAfter: (string | number)[] | undefined;
  while (ids.length < options.limit) {
    const page = await store.search({ index, filters, sort: [{ field: 'id', order: 'asc' }], size: PAGE, ...(searchAfter ? { searchAfter } : {}) }, signal);
    for (const hit of page.hits) ids.push(hit.id);
    searchAfter = page.hits[page.hits.length - 1]?.sort;
    if (page.hits.length < PAGE || !searchAfter) break;
  }
  return ids.slice(0, options.limit);
}
