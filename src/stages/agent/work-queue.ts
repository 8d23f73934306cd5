/** One incident's pending agent work: what its events asked for, folded together, and when it may run. */
export interface QueuedWork {
  readonly incidentId: string;
  /** Highest incident-event version folded in; the step covers every event up to it. */
  readonly version: number;
  /** Triage score of the newest event (0–100): the queue's priority. */
  readonly score: number;
  readonly alertIds: readonly string[];
  /** More alerts than listed: the step loads the incident's latest alerts instead. */
  readonly truncated: boolean;
  /** Coalescing: not before this time (ms), so a burst of events becomes one step. */
  readonly readyAt: number;
  /** Backoff after a failure or an unavailable LLM (ms). */
  readonly notBefore: number;
  /** Failed attempts so far (an unavailable LLM does not count). */
  readonly attempts: number;
}

export interface WorkQueueOptions {
  readonly maxEntries: number;
  readonly maxAlertIds: number;
}

/**
 * Stage 2's in-memory queue: one entry per incident, the highest triage score first. Bounded: beyond `maxEntries`
 * the lowest-scored entry is dropped and returned, so memory stays flat under a flood. Dropping loses nothing: every
 * entry is also recorded as queued in the store (agent-journal.ts) before its event's offset is committed, and the
 * scheduler refills from there once the queue has room.
 * Linear scans: the bound is a few thousand entries, each step costs seconds of model time.
 */
export class WorkQueue {
  private readonly entries = new Map<string, QueuedWork>();
  private readonly options: WorkQueueOptions;

  constructor(options: WorkQueueOptions) {
    this.options = options;
  }

  /** The bound: at most this many entries are held. */
  get capacity(): number {
    return this.options.maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  has(incidentId: string): boolean {
    return this.entries.has(incidentId);
  }

  /** Adds or folds in work; returns the entry dropped to stay within the bound (possibly the offered one). */
  offer(work: QueuedWork): { dropped?: QueuedWork } {
    const current = this.entries.get(work.incidentId);
    const merged = current === undefined ? this.capIds(work, work.truncated) : this.merge(current, work);
    this.entries.set(work.incidentId, merged);
    if (this.entries.size <= this.options.maxEntries) return {};
    const lowest = this.lowest();
    this.entries.delete(lowest.incidentId);
    return { dropped: lowest };
  }

  remove(incidentId: string): void {
    this.entries.delete(incidentId);
  }

  /** The best ready entry whose incident is not busy (highest score, then the oldest), removed from the queue. */
  take(now: number, busy: (incidentId: string) => boolean): QueuedWork | undefined {
    let best: QueuedWork | undefined;
    for (const entry of this.entries.values()) {
      if (busy(entry.incidentId) || readyTime(entry) > now) continue;
      if (best === undefined || entry.score > best.score || (entry.score === best.score && entry.readyAt < best.readyAt)) best = entry;
    }
    if (best) this.entries.delete(best.incidentId);
    return best;
  }

  /** When the next entry becomes ready (undefined when none waits, or all wait for a busy incident). */
  nextReadyAt(now: number, busy: (incidentId: string) => boolean): number | undefined {
    let next: number | undefined;
    for (const entry of this.entries.values()) {
      if (busy(entry.incidentId)) continue;
      const at = Math.max(now, readyTime(entry));
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }

  private merge(current: QueuedWork, incoming: QueuedWork): QueuedWork {
    const newer = incoming.version >= current.version ? incoming : current;
    const ids = [...new Set([...current.alertIds, ...incoming.alertIds])];
    return this.capIds(
      {
        incidentId: current.incidentId,
        version: Math.max(current.version, incoming.version),
        score: newer.score,
        alertIds: ids,
        truncated: current.truncated || incoming.truncated,
        // The burst's first event sets the coalescing time (a busy incident must not wait for ever);
        // a backoff holds until its end.
        readyAt: Math.min(current.readyAt, incoming.readyAt),
        notBefore: Math.max(current.notBefore, incoming.notBefore),
        attempts: Math.max(current.attempts, incoming.attempts),
      },
      current.truncated || incoming.truncated,
    );
  }

  private capIds(work: QueuedWork, truncated: boolean): QueuedWork {
    if (work.alertIds.length <= this.options.maxAlertIds) return work;
    return { ...work, alertIds: work.alertIds.slice(-this.options.maxAlertIds), truncated: truncated || true };
  }

  private lowest(): QueuedWork {
    let lowest: QueuedWork | undefined;
    for (const entry of this.entries.values()) {
      // Ties: the newest goes, so work that waited longest keeps its place.
      if (lowest === undefined || entry.score < lowest.score || (entry.score === lowest.score && entry.readyAt >= lowest.readyAt)) lowest = entry;
    }
    return lowest as QueuedWork;
  }
}

function readyTime(work: QueuedWork): number {
  return Math.max(work.readyAt, work.notBefore);
}
