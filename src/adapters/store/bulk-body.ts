import type { Document, WriteOperation, WriteOutcome } from '../../core/ports/store';
import { isRetryableStatus } from './translate-error';

function actionLine(operation: WriteOperation): Document {
  const meta: Document = { _index: operation.index, _id: operation.id };
  if (operation.op !== 'create' && operation.condition) {
    meta.if_seq_no = operation.condition.seqNo;
    meta.if_primary_term = operation.condition.primaryTerm;
  } else if (operation.op === 'update') {
    meta.retry_on_conflict = 3;
  }
  return { [operation.op]: meta };
}

function sourceLine(operation: WriteOperation): Document {
  if (operation.op !== 'update') return operation.document;
  // A partial-document update, not a script: hardened clusters often disable scripting, and the engines' test
  // distributions ship without Painless. The version guard (`onlyIfNewer`) is done by the store with seq_no.
  return { doc: operation.doc, ...(operation.upsert ? { doc_as_upsert: true } : {}) };
}

/** The `_bulk` NDJSON body: an action line and a source line per operation, newline-terminated. */
export function bulkBody(operations: readonly WriteOperation[]): string {
  let body = '';
  for (const operation of operations) {
    body += JSON.stringify(actionLine(operation)) + '\n' + JSON.stringify(sourceLine(operation)) + '\n';
  }
  return body;
}

export interface BulkItemResponse {
  _id?: string;
  status: number;
  result?: string;
  _seq_no?: number;
  _primary_term?: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

/** `undefined` means "try again" (429, 5xx, rejected execution); anything else is the item's final outcome. */
export function itemOutcome(operation: WriteOperation, item: BulkItemResponse): WriteOutcome | undefined {
  const id = operation.id;
  const errorType = item.error?.type ?? '';
  if (item.status >= 200 && item.status < 300) {
    if (item.result === 'noop') return { status: 'noop', id };
    return {
      status: 'written',
      id,
      result: item.result === 'created' ? 'created' : 'updated',
      seqNo: item._seq_no ?? -1,
      primaryTerm: item._primary_term ?? -1,
    };
  }
  if (isRetryableStatus(item.status) || errorType.includes('rejected_execution')) return undefined;
  if (item.status === 409) return operation.op === 'create' ? { status: 'exists', id } : { status: 'conflict', id };
  if (item.status === 404 && errorType === 'document_missing_exception') return { status: 'not-found', id };
  const cause = item.error?.caused_by;
  const reason = [item.error?.reason, cause?.reason].filter(Boolean).join(': ');
  return { status: 'rejected', id, statusCode: item.status, errorType: errorType || 'unknown', reason: reason.slice(0, 1000) };
}

/** The single item of a bulk response line (`{ "create": {...} }`), whatever the action name. */
export function unwrapItem(entry: Record<string, BulkItemResponse>): BulkItemResponse {
  const first = Object.values(entry)[0];
  return first ?? { status: 500, error: { type: 'missing_item', reason: 'bulk response had an empty item' } };
}
