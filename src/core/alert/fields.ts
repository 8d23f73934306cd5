import { getPath, type JsonRecord } from './get-path';

/**
 * Type-checked readers for source fields. Alert content is attacker-influenced data: these helpers never interpret
 * it, they only make sure that what lands in a typed field has that type (ports are integers, addresses strings).
 */

/** A non-empty string; finite numbers become their decimal text (ids and rule numbers arrive as either). */
export function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

const DIGITS = /^\d{1,5}$/;

/** A TCP/UDP port: an integer 0–65535 given as a number or as decimal text (Wazuh's decoders emit text). */
export function toPort(value: unknown): number | undefined {
  let port: number | undefined;
  if (typeof value === 'number') port = value;
  else if (typeof value === 'string' && DIGITS.test(value)) port = Number(value);
  return port !== undefined && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined;
}

/** A finite number, from a number or from plain decimal text. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** One string or an array of them (ECS allows both for `host.ip`), as a list of non-empty strings. */
export function toTextList(value: unknown): string[] {
  if (Array.isArray(value)) {
    const list: string[] = [];
    for (const item of value) {
      const text = toText(item);
      if (text !== undefined) list.push(text);
    }
    return list;
  }
  const text = toText(value);
  return text === undefined ? [] : [text];
}

/** The first path, in order of preference, that holds a usable value. */
export function firstValue(record: JsonRecord, paths: readonly string[]): unknown {
  for (const path of paths) {
    const value = getPath(record, path);
    if (value !== undefined) return value;
  }
  return undefined;
}

export function firstText(record: JsonRecord, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    const text = toText(getPath(record, path));
    if (text !== undefined) return text;
  }
  return undefined;
}

export function firstPort(record: JsonRecord, paths: readonly string[]): number | undefined {
  for (const path of paths) {
    const port = toPort(getPath(record, path));
    if (port !== undefined) return port;
  }
  return undefined;
}

/** A list with at least one entry, or undefined (the schema rejects empty `host.ip` lists). */
export function nonEmpty(list: string[]): string[] | undefined {
  return list.length > 0 ? list : undefined;
}
