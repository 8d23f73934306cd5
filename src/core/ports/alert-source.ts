/**
 * What every replay source hands over: raw records (not yet normalised) in source order, plus whatever the source
 * says about the system. Normalisation, triage and the agent happen after, the same for every source.
 */
export interface RawRecord {
  /** The record exactly as the source holds it: a JSON text or one line of text (Snort/Suricata fast alerts, syslog...). */
  readonly raw: string;
  /** Where it came from, for error messages: `file:line`, `index/_id`, `topic/partition@offset`. */
  readonly origin: string;
  /** Not JSON: a line of free text; when it is not an alert it is context (prose), not an error. */
  readonly text: boolean;
  /** The file (or index, topic) the record came from, for per-file accounting and warnings. */
  readonly file?: string;
}

export interface ReplayInput {
  /** A short name for reports (the folder name, the index, the topic). */
  readonly name: string;
  readonly records: readonly RawRecord[];
  /** The system description (`system.txt` in an incident folder), if the source has one. */
  readonly systemDescription?: string;
  /** Files that were read, for the report. */
  readonly files: readonly string[];
  /** What the source could not use and why (a file in a format it does not read, say); shown, never silent. */
  readonly warnings?: readonly string[];
}

export interface AlertSource {
  /** One line for progress and the report: "folder datasets/x", "elasticsearch index logs-* [from, to)". */
  readonly description: string;
  read(signal: AbortSignal): Promise<ReplayInput>;
}
