import type { WriteOperation, WriteOutcome } from '../../core/ports/store';

type Update = Extract<WriteOperation, { op: 'update' }>;
export type GuardedUpdate = Update & { onlyIfNewer: { field: string; value: number } };

export interface StoredVersion {
  /** The stored value of the guard field, when it is a number. */
  value: number | undefined;
  seqNo: number;
  primaryTerm: number;
}

export interface GuardedUpdateDeps {
  bulk(operations: readonly WriteOperation[], signal: AbortSignal): Promise<WriteOutcome[]>;
  /** The stored guard field and seq_no/term of each document, `undefined` when it does not exist. */
  versions(operations: readonly GuardedUpdate[], signal: AbortSignal): Promise<(StoredVersion | undefined)[]>;
}

/** Rounds of read-then-conditional-write before a document that keeps changing under us is reported as a conflict. */
const MAX_ROUNDS = 5;

export function isGuardedUpdate(operation: WriteOperation): operation is GuardedUpdate {
  return operation.op === 'update' && operation.onlyIfNewer !== undefined && operation.condition === undefined;
}

function plan(operation: GuardedUpdate, stored: StoredVersion | undefined): WriteOperation | WriteOutcome {
  const { index, id, doc } = operation;
  if (stored?.value !== undefined && stored.value >= operation.onlyIfNewer.value) return { status: 'noop', id };
  if (stored) return { op: 'update', index, id, doc, upsert: false, condition: { seqNo: stored.seqNo, primaryTerm: stored.primaryTerm } };
  if (operation.upsert) return { op: 'create', index, id, document: doc };
  return { status: 'not-found', id };
}

/**
 * `update` with `onlyIfNewer`, without scripts: read the stored guard field and seq_no, then write conditionally
 * (an update pinned to that seq_no, or a create when the document is missing). A writer that got in between makes
 * the write a conflict, and the round starts again from a fresh read. An older version never overwrites a newer one.
 */
export async function guardedUpdates(
  operations: readonly GuardedUpdate[],
  deps: GuardedUpdateDeps,
  signal: AbortSignal,
): Promise<WriteOutcome[]> {
  const outcomes = new Array<WriteOutcome | undefined>(operations.length).fill(undefined);
  let pending = operations.map((_, index) => index);
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const stored = await deps.versions(pending.map((index) => operations[index] as GuardedUpdate), signal);
    const writes: { index: number; operation: WriteOperation }[] = [];
    pending.forEach((index, position) => {
      const next = plan(operations[index] as GuardedUpdate, stored[position]);
      if ('status' in next) outcomes[index] = next;
      else writes.push({ index, operation: next });
    });
    const results = await deps.bulk(writes.map((write) => write.operation), signal);
    results.forEach((result, position) => {
      const { index } = writes[position] as { index: number };
      // Someone wrote in between (exists: created first; conflict: seq_no moved): read again next round.
      if (result.status !== 'exists' && result.status !== 'conflict') outcomes[index] = result;
    });
    pending = pending.filter((index) => outcomes[index] === undefined);
  }
  return outcomes.map((outcome, index) => outcome ?? { status: 'conflict', id: (operations[index] as GuardedUpdate).id });
}
