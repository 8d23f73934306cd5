import { ErrorCodes, IraError } from '../../errors';
import { entityFilter, keyFor, type EntityFilter } from './entities';
import { recordFromIncident, resolve, stringBytes, type IncidentRecord } from './incident-record';
import { DEFAULT_TRIAGE_OPTIONS, type Incident, type TriageOptions } from './types';

/** An entity's index entry: the incident it links to, when it was last seen, how many merges it has caused. */
export interface EntityEntry {
  record: IncidentRecord;
  lastMs: number;
  merges: number;
}

export interface SignatureEntry {
  lastMs: number;
  /** Repeats so far in the current run (a run ends when the signature is idle longer than the window). */
  count: number;
}

/**
 * Triage state. Opaque to callers: create it with createTriageState / hydrateTriageState and hand it to triageBatch,
 * which mutates it in place (no copy per batch: triage runs for every alert). One state per consumer; not shared.
 *
 * The three maps are kept in least-recently-touched order (a touch deletes and re-inserts), so expiry only ever
 * looks at the front: memory is bounded by what was active within one window, not by the length of the stream.
 */
export interface TriageState {
  readonly windowMs: number;
  readonly maxTrackedIncidents: number;
  readonly maxTrackedEntities: number;
  readonly hubMergeLimit: number;
  readonly maxClockAheadMs: number;
  readonly maxClockBehindMs: number;
  readonly maxMergeFanOut: number;
  readonly maxMemoryBytes: number;
  /** Estimated bytes held (see estimateTriageBytes); kept up to date by the put/drop helpers below. */
  readonly bytes: { open: number; entities: number; signatures: number; cases: number };
  readonly filter: EntityFilter;
  /** Latest alert time seen (ms); the state's only clock. */
  watermark: number;
  /** Open incidents by id. */
  readonly open: Map<string, IncidentRecord>;
  readonly entities: Map<string, EntityEntry>;
  readonly signatures: Map<string, SignatureEntry>;
  /** Incidents named by a case id (open or recently closed), so a later alert of the case reopens the same one. */
  readonly cases: Map<string, IncidentRecord>;
}

export function createTriageState(options: TriageOptions): TriageState {
  const windowMs = options.windowMs;
  const maxTrackedIncidents = options.maxTrackedIncidents ?? DEFAULT_TRIAGE_OPTIONS.maxTrackedIncidents;
  const hubMergeLimit = options.hubMergeLimit ?? DEFAULT_TRIAGE_OPTIONS.hubMergeLimit;
  const maxClockAheadMs = options.maxClockAheadMs ?? DEFAULT_TRIAGE_OPTIONS.maxClockAheadMs;
  const maxClockBehindMs = options.maxClockBehindMs ?? DEFAULT_TRIAGE_OPTIONS.maxClockBehindMs;
  const maxMergeFanOut = options.maxMergeFanOut ?? DEFAULT_TRIAGE_OPTIONS.maxMergeFanOut;
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_TRIAGE_OPTIONS.maxMemoryBytes;
  if (!Number.isFinite(windowMs) || windowMs <= 0) invalid('windowMs must be a positive number of milliseconds');
  if (!Number.isInteger(maxTrackedIncidents) || maxTrackedIncidents < 1) invalid('maxTrackedIncidents must be >= 1');
  if (!Number.isInteger(hubMergeLimit) || hubMergeLimit < 0) invalid('hubMergeLimit must be >= 0');
  if (!(maxClockAheadMs >= 0) || !(maxClockBehindMs >= 0)) invalid('maxClockAheadMs and maxClockBehindMs must be >= 0');
  if (!Number.isInteger(maxMergeFanOut) || maxMergeFanOut < 1) invalid('maxMergeFanOut must be >= 1');
  if (!Number.isFinite(maxMemoryBytes) || maxMemoryBytes < 1024 * 1024) invalid('maxMemoryBytes must be >= 1 MiB');
  return {
    windowMs,
    maxTrackedIncidents,
    // An incident rarely has more than a handful of entities; the cap only bites on pathological fan-out.
    maxTrackedEntities: maxTrackedIncidents * 64,
    hubMergeLimit,
    maxClockAheadMs,
    maxClockBehindMs,
    maxMergeFanOut,
    maxMemoryBytes,
    bytes: { open: 0, entities: 0, signatures: 0, cases: 0 },
    filter: entityFilter(options.ignoreEntities),
    watermark: Number.NEGATIVE_INFINITY,
    open: new Map(),
    entities: new Map(),
    signatures: new Map(),
    cases: new Map(),
  };
}

function invalid(message: string): never {
  throw new IraError(ErrorCodes.configInvalid, `triage options: ${message}`);
}

/**
 * Resumes from stored incidents (after a restart). Open incidents come back with their entity index rebuilt from
 * their (bounded) entity lists; an entity listed by several open incidents comes back as a hub, since not linking
 * on it is what the previous run decided. Merged incidents are skipped (their figures live in the survivor). Closed
 * incidents with a case id are remembered so the case reopens under the same id. Repeat folding starts afresh:
 * signatures are not stored, so the first sighting of each signature after a restart counts as unique.
 * `ingestMs` (the time of the restart, e.g. the broker's time) bounds the stored times: see maxClockAheadMs.
 */
export function hydrateTriageState(options: TriageOptions, incidents: readonly Incident[], ingestMs?: number): TriageState {
  const state = createTriageState(options);
  // A stored time beyond the skew bound (written before the bound existed, or by a wrong clock) is cut to the
  // bound, so one poisoned incident cannot hold the clock in the future after a restart.
  const latest = ingestMs !== undefined && Number.isFinite(ingestMs) ? ingestMs + state.maxClockAheadMs : Number.POSITIVE_INFINITY;
  const sorted = incidents
    .map(recordFromIncident)
    .filter((r): r is IncidentRecord => r !== undefined && r.status !== 'merged')
    .map((r) => {
      if (r.lastMs > latest) r.lastMs = latest;
      if (r.firstMs > r.lastMs) r.firstMs = r.lastMs;
      return r;
    })
    .sort((a, b) => a.lastMs - b.lastMs);
  for (const record of sorted) {
    if (record.lastMs > state.watermark) state.watermark = record.lastMs;
    if (record.caseId !== undefined) rememberCase(state, record);
    if (record.status !== 'open') continue;
    putOpen(state, record);
    if (record.caseId === undefined) indexRecordEntities(state, record);
  }
  enforceBounds(state, () => undefined);
  return state;
}

function indexRecordEntities(state: TriageState, record: IncidentRecord): void {
  const keys = [
    ...[...record.hosts].map((v) => keyFor('host', v, state.filter)),
    ...[...record.ips].map((v) => keyFor('ip', v, state.filter)),
    ...[...record.users].map((v) => keyFor('user', v, state.filter)),
  ];
  for (const key of keys) {
    if (key === undefined) continue;
    const entry = state.entities.get(key);
    if (entry === undefined) putEntity(state, key, { record, lastMs: record.lastMs, merges: 0 });
    else {
      // Two open incidents sharing an entity means the previous run refused to link on it: it was a hub.
      entry.merges = Math.max(entry.merges + 1, state.hubMergeLimit);
      entry.lastMs = Math.max(entry.lastMs, record.lastMs);
    }
  }
}

export function rememberCase(state: TriageState, record: IncidentRecord): void {
  if (record.caseId === undefined) return;
  if (!state.cases.delete(record.caseId)) state.bytes.cases += ENTRY_BYTES + stringBytes(record.caseId);
  state.cases.set(record.caseId, record);
  // Twice the open bound: the least recently used case records past it are closed ones (open ones are more recent).
  for (const [caseId] of state.cases) {
    if (state.cases.size <= state.maxTrackedIncidents * 2) break;
    state.cases.delete(caseId);
    state.bytes.cases -= ENTRY_BYTES + stringBytes(caseId);
  }
}

/** Estimated bytes of one index entry (entity, signature, case): Map entry and entry object, plus the key. */
export const ENTRY_BYTES = 120;

/**
 * Estimated bytes triage holds: open incidents (their lists, at the length of what they hold), entity, signature
 * and case index entries. An estimate for the memory budget (TriageOptions.maxMemoryBytes), not a measurement.
 */
export function estimateTriageBytes(state: TriageState): number {
  const b = state.bytes;
  return b.open + b.entities + b.signatures + b.cases;
}

/** Inserts or moves an open incident to the back of the open map, keeping the byte estimate. */
export function putOpen(state: TriageState, record: IncidentRecord): void {
  const held = state.open.get(record.id);
  if (held !== undefined && held !== record) dropOpen(state, held.id);
  touch(state.open, record.id, record);
  syncBytes(state, record);
}

/** Re-counts an open record whose lists grew. */
export function syncBytes(state: TriageState, record: IncidentRecord): void {
  if (state.open.get(record.id) !== record) return;
  state.bytes.open += record.bytes - record.countedBytes;
  record.countedBytes = record.bytes;
}

export function dropOpen(state: TriageState, id: string): IncidentRecord | undefined {
  const record = state.open.get(id);
  if (record === undefined) return undefined;
  state.open.delete(id);
  state.bytes.open -= record.countedBytes;
  record.countedBytes = 0;
  return record;
}

export function putEntity(state: TriageState, key: string, entry: EntityEntry): void {
  if (!state.entities.delete(key)) state.bytes.entities += ENTRY_BYTES + stringBytes(key);
  state.entities.set(key, entry);
}

function dropEntity(state: TriageState, key: string): void {
  if (state.entities.delete(key)) state.bytes.entities -= ENTRY_BYTES + stringBytes(key);
}

export function putSignature(state: TriageState, key: string, entry: SignatureEntry): void {
  if (!state.signatures.delete(key)) state.bytes.signatures += ENTRY_BYTES + stringBytes(key);
  state.signatures.set(key, entry);
}

function dropSignature(state: TriageState, key: string): void {
  if (state.signatures.delete(key)) state.bytes.signatures -= ENTRY_BYTES + stringBytes(key);
}

/** Moves an entry to the back of a touch-ordered map. */
export function touch<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
}

/**
 * Advances the clock and expires what is idle longer than the window: incidents close (reported through `onClose`),
 * entity and signature entries are dropped. Amortised O(1) per alert.
 */
export function advance(state: TriageState, atMs: number, onClose: (record: IncidentRecord) => void): void {
  if (atMs <= state.watermark) return;
  state.watermark = atMs;
  const horizon = atMs - state.windowMs;
  for (const [id, record] of state.open) {
    if (record.lastMs >= horizon) break;
    dropOpen(state, id);
    close(record, onClose);
  }
  for (const [key, entry] of state.entities) {
    if (entry.lastMs >= horizon) break;
    dropEntity(state, key);
  }
  for (const [key, entry] of state.signatures) {
    if (entry.lastMs >= horizon) break;
    dropSignature(state, key);
  }
}

/** Size bounds, checked after every alert; the first test is all it costs while under them. */
export function enforceBounds(state: TriageState, onClose: (record: IncidentRecord) => void): void {
  if (
    state.open.size <= state.maxTrackedIncidents &&
    state.entities.size <= state.maxTrackedEntities &&
    state.signatures.size <= state.maxTrackedEntities &&
    estimateTriageBytes(state) <= state.maxMemoryBytes
  ) {
    return;
  }
  for (const [id, record] of state.open) {
    if (state.open.size <= state.maxTrackedIncidents) break;
    dropOpen(state, id);
    close(record, onClose);
  }
  for (const [key] of state.entities) {
    if (state.entities.size <= state.maxTrackedEntities) break;
    dropEntity(state, key);
  }
  for (const [key] of state.signatures) {
    if (state.signatures.size <= state.maxTrackedEntities) break;
    dropSignature(state, key);
  }
  if (estimateTriageBytes(state) > state.maxMemoryBytes) shed(state, onClose);
}

/**
 * Over the byte budget: frees down to 90% of it (so the work is amortised over many alerts). Dead weight goes
 * first — index entries of incidents no longer open — then the idlest open incidents close, oldest first, each
 * taking with it the signature and entity entries last seen no later than it (nothing younger is dropped before
 * something older).
 */
function shed(state: TriageState, onClose: (record: IncidentRecord) => void): void {
  const target = state.maxMemoryBytes * 0.9;
  for (const [key, entry] of state.entities) if (resolve(entry.record).status !== 'open') dropEntity(state, key);
  while (estimateTriageBytes(state) > target) {
    const idlest = state.open.values().next();
    const horizon = idlest.done === true ? Number.POSITIVE_INFINITY : idlest.value.lastMs;
    if (idlest.done !== true) {
      dropOpen(state, idlest.value.id);
      close(idlest.value, onClose);
    }
    for (const [key, entry] of state.signatures) {
      if (entry.lastMs > horizon) break;
      dropSignature(state, key);
    }
    for (const [key, entry] of state.entities) {
      if (entry.lastMs > horizon) break;
      dropEntity(state, key);
    }
    if (idlest.done === true) break;
  }
}

function close(record: IncidentRecord, onClose: (record: IncidentRecord) => void): void {
  record.status = 'closed';
  record.version++;
  onClose(record);
}

/** The live incident an entity links to, or undefined when its entry is stale, closed or out of the window. */
export function liveEntry(state: TriageState, key: string, atMs: number): EntityEntry | undefined {
  const entry = state.entities.get(key);
  if (entry === undefined) return undefined;
  entry.record = resolve(entry.record);
  if (entry.record.status !== 'open' || Math.abs(atMs - entry.lastMs) > state.windowMs) return undefined;
  return entry;
}
