import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { AlertFormat } from '../../core/alert/schema';
import { ErrorCodes, IraError } from '../../errors';

/**
 * A connector is one shipper's own configuration file under `connectors/<shipper>/` (Filebeat YAML, a Logstash
 * pipeline, Kafka Connect properties, a shell command …), in that tool's format. ira runs none of them; at startup
 * it reads the small header every file opens with, so a bad deploy fails fast and a connector that targets
 * another topic is reported:
 *
 * ```
 * # ira-connector: filebeat-suricata-eve        (= <folder>-<file name without extension>)
 * # ira-name: Suricata EVE alerts through Filebeat's Kafka output
 * # ira-formats: suricata-eve                   (ira's format ids, comma-separated)
 * # ira-topic: ira.alerts                       (the body must name the same topic)
 * # ira-message: line                           (json: one JSON document per message; line: one text line)
 * # ira-docs: https://…                         (the reference section the file follows)
 * ```
 *
 * Each header line is a comment in the file's own syntax: `#` (YAML, Logstash, properties, shell), `//`, or one
 * `<!-- … -->` per line (XML). The header sits in the first lines; a key given twice or an unknown `ira-` key is
 * an error, not a silent override.
 */
export const Connector = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case id'),
  name: z.string().min(1),
  /** The formats ira's normaliser detects in these messages. */
  formats: z.array(AlertFormat).min(1),
  topic: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a Kafka topic name'),
  /** One alert per Kafka message, as JSON (`json`) or as one text line (`line`, e.g. Snort fast.log). */
  message: z.enum(['json', 'line']),
  docs: z.url(),
  /** The file, relative to the connectors directory (`filebeat/suricata-eve.yml`). */
  file: z.string().min(1),
  /** The shipper: the folder the file sits in (`filebeat`, `logstash`, `kafka-connect` …). */
  shipper: z.string().min(1),
});
export type Connector = z.infer<typeof Connector>;

const HEADER_KEYS = ['connector', 'name', 'formats', 'topic', 'message', 'docs'] as const;
type HeaderKey = (typeof HEADER_KEYS)[number];
/** How far into a file the header may start (after a shebang, a license line, a YAML document marker …). */
const HEADER_SCAN_LINES = 30;
const HEADER_LINE = /^\s*(?:#|\/\/|<!--)\s*ira-([a-z]+):\s*(.*?)\s*(?:-->)?\s*$/;
/** Files in `connectors/` that are documentation, not connectors. */
const NOT_CONNECTORS = new Set(['README.md']);

/** `connectors/` beside package.json, found by walking up (the same from src/ under ts-node and from dist/). */
export function defaultConnectorsDir(start: string = __dirname): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'connectors'))) return join(dir, 'connectors');
    if (dirname(dir) === dir) throw new IraError(ErrorCodes.configInvalid, `no connectors/ directory above ${start}`);
  }
}

/** The `ira-` header of one file's text, as raw strings; throws on a repeated or unknown key. */
export function readHeader(text: string, file: string): Partial<Record<HeaderKey, string>> {
  const header: Partial<Record<HeaderKey, string>> = {};
  for (const line of text.split('\n').slice(0, HEADER_SCAN_LINES)) {
    const match = HEADER_LINE.exec(line);
    if (match === null) continue;
    const key = match[1] ?? '';
    if (!isHeaderKey(key)) throw configError(file, `unknown header key "ira-${key}"`);
    if (header[key] !== undefined) throw configError(file, `header key "ira-${key}" given twice`);
    header[key] = match[2] ?? '';
  }
  return header;
}

function isHeaderKey(key: string): key is HeaderKey {
  return (HEADER_KEYS as readonly string[]).includes(key);
}

/** One file's connector: header validated, id matching the path, topic named in the body. */
export function parseConnector(dir: string, file: string): Connector {
  let text: string;
  try {
    text = readFileSync(join(dir, file), 'utf8');
  } catch (error) {
    throw new IraError(ErrorCodes.configInvalid, `connector ${file}: cannot read it`, { cause: error });
  }
  const header = readHeader(text, file);
  const parts = file.split(sep);
  const shipper = parts.length === 2 ? (parts[0] ?? '') : '';
  if (shipper === '') throw configError(file, 'must sit in connectors/<shipper>/, one folder deep');
  const parsed = Connector.safeParse({
    id: header.connector,
    name: header.name,
    formats: header.formats?.split(',').map((format) => format.trim()),
    topic: header.topic,
    message: header.message,
    docs: header.docs,
    file: parts.join('/'),
    shipper,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${headerName(issue.path)}: ${issue.message}`).join('; ');
    throw configError(file, issues);
  }
  const expectedId = `${shipper}-${stripExtension(parts[1] ?? '')}`;
  if (parsed.data.id !== expectedId) throw configError(file, `ira-connector "${parsed.data.id}" must be "${expectedId}"`);
  if (!bodyNamesTopic(text, parsed.data.topic)) {
    throw configError(file, `the configuration never names the topic "${parsed.data.topic}" of its header`);
  }
  return parsed.data;
}

/** Reads and validates every connector file under the directory; throws one IraError naming the first bad file. */
export function loadConnectors(dir: string): Connector[] {
  let files: string[];
  try {
    files = listFiles(dir).filter((file) => !NOT_CONNECTORS.has(file.split(sep).at(-1) ?? ''));
  } catch (error) {
    throw new IraError(ErrorCodes.configInvalid, `cannot read connectors directory ${dir}`, { cause: error });
  }
  const connectors = files.sort().map((file) => parseConnector(dir, file));
  const seen = new Set<string>();
  for (const connector of connectors) {
    if (seen.has(connector.id)) throw configError(connector.file, `id "${connector.id}" used twice`);
    seen.add(connector.id);
  }
  return connectors;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
}

// The topic must appear outside the header too, so a header cannot drift from the setting the shipper reads.
function bodyNamesTopic(text: string, topic: string): boolean {
  return text.split('\n').some((line) => !HEADER_LINE.test(line) && line.includes(topic));
}

function stripExtension(name: string): string {
  const extension = extname(name);
  return extension === '' ? name : name.slice(0, -extension.length);
}

function headerName(path: readonly PropertyKey[]): string {
  const [first, ...rest] = path.map(String);
  if (first === undefined) return '(header)';
  const key = first === 'id' ? 'ira-connector' : `ira-${first}`;
  return [key, ...rest].join('.');
}

function configError(file: string, message: string): IraError {
  return new IraError(ErrorCodes.configInvalid, `connector ${file.split(sep).join('/')}: ${message}`);
}
