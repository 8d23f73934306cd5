import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseAitAdsCsv } from '../../core/sources/ait-csv';
import { ErrorCodes, IraError } from '../../errors';
import type { AlertSource, RawRecord, ReplayInput } from '../../core/ports/alert-source';

/**
 * Alerts from a file or a folder. Formats by content, not only by name:
 * - `.json`: a JSON array, one object, or (as Wazuh writes `alerts.json`) one object per line;
 * - `.ndjson` / `.jsonl`: one JSON value per line;
 * - `.csv`: the AIT-ADS flattened CSV (labels are dropped: a replay never sees ground truth);
 * - anything else (`.log`, `.txt`, ...): one record per line; a line that parses as a JSON object is one, any other
 *   line is text (an alert line or prose — the normaliser decides).
 * A folder holding `system.txt` is ONE incident (the digital-twin layout): system.txt is the system description and
 * every other alert file in it is evidence. Files that carry answers or metadata are never read as evidence.
 */
const ANSWER_FILES = [/^incident.*\.txt$/i, /^ground[-_]?truth.*\.json$/i, /^attack_phases\.json$/i, /\.labels\.json$/i];
const METADATA_FILES = [/^readme/i, /^licen[cs]e/i, /\.rules$/i, /\.md$/i, /^system\.txt$/i, /^\./];

export function isEvidenceFile(name: string): boolean {
  return ![...ANSWER_FILES, ...METADATA_FILES].some((pattern) => pattern.test(name));
}

function jsonRecords(text: string, file: string): RawRecord[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as unknown;
    if (!Array.isArray(parsed)) throw new IraError(ErrorCodes.sourceInvalid, `${file}: expected a JSON array`);
    // The array's elements have no verbatim text of their own; their compact serialisation stands in for it.
    return parsed.map((value, index) => ({ raw: JSON.stringify(value), origin: `${file}[${index}]`, text: false }));
  }
  try {
    JSON.parse(trimmed);
    return [{ raw: trimmed, origin: file, text: false }];
  } catch {
    return lineRecords(text, file);
  }
}

function lineRecords(text: string, file: string): RawRecord[] {
  const records: RawRecord[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    // A line that starts like JSON is a JSON record: if it does not parse, the normaliser reports it.
    records.push({ raw: line.replace(/\r$/, ''), origin: `${file}:${index + 1}`, text: !trimmed.startsWith('{') });
  }
  return records;
}

function csvRecords(text: string, file: string): RawRecord[] {
  const parsed = parseAitAdsCsv(text);
  if (!parsed.ok) throw new IraError(ErrorCodes.sourceInvalid, `${file}:${parsed.error.line}: ${parsed.error.message}`);
  return parsed.value.alerts.map((alert, index) => ({ raw: JSON.stringify(alert), origin: `${file}:${index + 2}`, text: false }));
}

export async function readAlertFile(path: string): Promise<RawRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new IraError(ErrorCodes.sourceInvalid, `cannot read ${path}`, { cause: error });
  }
  const extension = extname(path).toLowerCase();
  try {
    if (extension === '.json') return jsonRecords(text, path);
    if (extension === '.csv') return csvRecords(text, path);
    return lineRecords(text, path);
  } catch (error) {
    if (IraError.isInstance(error)) throw error;
    throw new IraError(ErrorCodes.sourceInvalid, `${path}: cannot parse`, { cause: error });
  }
}

async function readFolder(folder: string): Promise<ReplayInput> {
  const names = (await readdir(folder)).sort();
  const files: string[] = [];
  const records: RawRecord[] = [];
  for (const name of names) {
    const path = join(folder, name);
    if (!isEvidenceFile(name) || !(await stat(path)).isFile()) continue;
    files.push(path);
    records.push(...(await readAlertFile(path)));
  }
  const systemPath = names.includes('system.txt') ? join(folder, 'system.txt') : undefined;
  const systemDescription = systemPath === undefined ? undefined : (await readFile(systemPath, 'utf8')).trim();
  if (files.length === 0) throw new IraError(ErrorCodes.sourceInvalid, `${folder}: no alert files in the folder`);
  return {
    name: basename(folder),
    records,
    files: systemPath === undefined ? files : [systemPath, ...files],
    ...(systemDescription === undefined ? {} : { systemDescription }),
  };
}

export function fileSource(path: string): AlertSource {
  return {
    description: `path ${path}`,
    async read(signal: AbortSignal): Promise<ReplayInput> {
      signal.throwIfAborted();
      let info;
      try {
        info = await stat(path);
      } catch (error) {
        throw new IraError(ErrorCodes.sourceInvalid, `no such file or folder: ${path}`, { cause: error });
      }
      if (info.isDirectory()) return readFolder(path);
      return { name: basename(path), records: await readAlertFile(path), files: [path] };
    },
  };
}
