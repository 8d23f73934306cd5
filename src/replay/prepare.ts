import { normalizeAlert } from '../core/alert/normalize';
import type { NormalizedAlert } from '../core/alert/schema';
import type { RawRecord } from '../core/ports/alert-source';

/**
 * Raw records → normalised alerts in time order, plus the text lines that are not alerts (prose written around the
 * alerts, as in the digital-twin logs: context for the system description) and the records that failed.
 */
export interface PreparedInput {
  readonly alerts: NormalizedAlert[];
  readonly contextLines: string[];
  readonly rejections: Array<{ origin: string; reason: string }>;
  /** Records that normalised to an alert already seen (same `ira.alert_id`): a source repeating itself. */
  readonly duplicates: number;
  /** Per file (records without a file count under the source's name): what each yielded. */
  readonly files: FileYield[];
}

export interface FileYield {
  readonly file: string;
  records: number;
  alerts: number;
  rejected: number;
  context: number;
}

export interface PrepareOptions {
  /** Sets `ira.case_id` on every alert, so triage keeps them in one incident (an incident folder is ONE incident). */
  readonly caseId?: string;
}

/** Prose kept from one line at most (the system context is capped again where it is used). */
const MAX_CONTEXT_LINE = 2000;

/** Time order; ties keep source order (Array.prototype.sort is stable). */
export function byTime(alerts: readonly NormalizedAlert[]): NormalizedAlert[] {
  return [...alerts].sort((a, b) => Date.parse(a['@timestamp']) - Date.parse(b['@timestamp']));
}

export function prepareRecords(records: readonly RawRecord[], options: PrepareOptions = {}): PreparedInput {
  const alerts: NormalizedAlert[] = [];
  const contextLines: string[] = [];
  const rejections: Array<{ origin: string; reason: string }> = [];
  const seen = new Set<string>();
  const files = new Map<string, FileYield>();
  let duplicates = 0;
  for (const record of records) {
    const file = record.file ?? '(source)';
    let tally = files.get(file);
    if (tally === undefined) {
      tally = { file, records: 0, alerts: 0, rejected: 0, context: 0 };
      files.set(file, tally);
    }
    tally.records++;
    const result = normalizeAlert(record.raw);
    if (!result.ok) {
      // A text line that is no alert of any known format is the prose around the alerts, not a broken alert; a
      // line refused for its size or depth is a rejection whatever it looks like.
      const prose = record.text && result.error.code === undefined && (result.error.reason === 'unknown-format' || result.error.reason === 'unparseable');
      if (prose) {
        contextLines.push(record.raw.trim().slice(0, MAX_CONTEXT_LINE));
        tally.context++;
      } else {
        rejections.push({ origin: record.origin, reason: `${result.error.reason}: ${result.error.message}` });
        tally.rejected++;
      }
      continue;
    }
    tally.alerts++;
    const alert = options.caseId === undefined ? result.value : { ...result.value, ira: { ...result.value.ira, case_id: options.caseId } };
    if (seen.has(alert.ira.alert_id)) {
      duplicates++;
      continue;
    }
    seen.add(alert.ira.alert_id);
    alerts.push(alert);
  }
  return { alerts: byTime(alerts), contextLines, rejections, duplicates, files: [...files.values()] };
}

/** Consecutive chunks of at most `size` alerts (the agent is stepped once per chunk). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += Math.max(1, size)) chunks.push(items.slice(start, start + Math.max(1, size)));
  return chunks;
}
