import { err, ok, type Result } from '../result';

/**
 * The AIT Alert Data Set (AIT-ADS) flattened CSV: `time,name,ip,host,short,time_label,event_label`, one alert per
 * row (time in unix seconds; name prefixed `Wazuh:`, `Suricata:` or `AMiner:`). Each row becomes a generic JSON alert
 * for the normaliser, and — kept apart, never inside the alert — its ground-truth labels for evaluation.
 */
export const AIT_CSV_COLUMNS = ['time', 'name', 'ip', 'host', 'short', 'time_label', 'event_label'] as const;

export interface AitRawAlert {
  '@timestamp': string;
  message: string;
  rule: { name: string; id: string };
  host: { name: string; ip: string[] };
  observer: { product: 'Wazuh' | 'Suricata' | 'AMiner' };
  event: { id: string };
}

export interface AitLabel {
  /** Attack phase active at the time (`dirb`, `wpscan` …) or `false_positive`. */
  readonly time_label: string;
  /** Per-event label where the data set has one, `-` otherwise. */
  readonly event_label: string;
}

export interface AitCsv {
  /** Row i of `alerts` is data row i of the file, and has labels[i]. */
  readonly alerts: AitRawAlert[];
  readonly labels: AitLabel[];
}

export interface AitCsvError {
  /** 1-based line of the file (the header is line 1; a quoted field spanning lines shifts the count of later rows). */
  readonly line: number;
  readonly message: string;
}

const PRODUCTS = ['Wazuh', 'Suricata', 'AMiner'] as const;

export function parseAitAdsCsv(text: string): Result<AitCsv, AitCsvError> {
  const table = parseCsv(text);
  if (!table.ok) return table;
  const [header, ...rows] = table.value;
  if (header === undefined || AIT_CSV_COLUMNS.some((name, i) => header[i]?.trim() !== name)) {
    return err({ line: 1, message: `expected header ${AIT_CSV_COLUMNS.join(',')}` });
  }
  const alerts: AitRawAlert[] = [];
  const labels: AitLabel[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as string[];
    if (row.length === 1 && row[0] === '') continue;
    const parsed = rowToAlert(row, alerts.length);
    if (!parsed.ok) return err({ line: i + 2, message: parsed.error });
    alerts.push(parsed.value);
    labels.push({ time_label: row[5] as string, event_label: row[6] as string });
  }
  return ok({ alerts, labels });
}

function rowToAlert(row: readonly string[], index: number): Result<AitRawAlert, string> {
  if (row.length !== AIT_CSV_COLUMNS.length) return err(`expected ${AIT_CSV_COLUMNS.length} fields, got ${row.length}`);
  const [time, name, ip, host, short] = row as [string, string, string, string, string];
  const seconds = Number(time);
  if (time.trim() === '' || !Number.isFinite(seconds)) return err(`time is not a unix timestamp: ${JSON.stringify(time)}`);
  const product = PRODUCTS.find((p) => name.startsWith(p + ':'));
  if (product === undefined) return err(`name has no Wazuh:/Suricata:/AMiner: prefix: ${JSON.stringify(name)}`);
  return ok({
    '@timestamp': new Date(Math.round(seconds * 1000)).toISOString(),
    message: name,
    rule: { name, id: short },
    host: { name: host, ip: ip === '' ? [] : [ip] },
    observer: { product },
    // Rows can repeat verbatim (same second, same rule, same host); the row index keeps their ids apart.
    event: { id: `${index}-${time}-${short}` },
  });
}

/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double quotes may hold commas, line
 * breaks and doubled quotes (`""`). A quote inside an unquoted field is taken literally.
 */
export function parseCsv(text: string): Result<string[][], AitCsvError> {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"' && field === '') {
      const end = readQuoted(text, i + 1);
      if (end === undefined) return err({ line, message: 'unterminated quoted field' });
      field = text.slice(i + 1, end).replace(/""/g, '"');
      line += countNewlines(field);
      i = end + 1;
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        return err({ line, message: 'text after a closing quote' });
      }
      continue;
    }
    if (c === ',' || c === '\n' || c === '\r') {
      record.push(field);
      field = '';
      if (c !== ',') {
        records.push(record);
        record = [];
        line++;
        if (c === '\r' && text[i + 1] === '\n') i++;
      }
      i++;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return ok(records);
}

/** Index of the closing quote of a quoted field starting at `from`, skipping doubled quotes. */
function readQuoted(text: string, from: number): number | undefined {
  let i = from;
  for (;;) {
    const close = text.indexOf('"', i);
    if (close < 0) return undefined;
    if (text[close + 1] !== '"') return close;
    i = close + 2;
  }
}

function countNewlines(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 10) n++;
  return n;
}
