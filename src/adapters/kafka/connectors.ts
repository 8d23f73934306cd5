import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AlertFormat } from '../../core/alert/schema';
import { ErrorCodes, IraError } from '../../errors';

/**
 * A connector says how one SIEM source's alerts get into the alerts topic: which shipper, which output settings,
 * which formats the normaliser will see. Data only (`connectors/*.json`), validated at startup so a bad deploy
 * fails fast; ira itself runs none of these shippers.
 */
export const Connector = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case id'),
  name: z.string().min(1),
  source: z.strictObject({ vendor: z.string().min(1), product: z.string().min(1), versions: z.string().min(1) }),
  /** The formats ira's normaliser detects in these messages. */
  formats: z.array(AlertFormat).min(1),
  topic: z.string().min(1),
  shipper: z.strictObject({
    name: z.enum(['logstash', 'elastic-agent', 'filebeat', 'data-prepper']),
    plugin: z.string().min(1),
    docs: z.url(),
  }),
  message: z.strictObject({
    /** One alert per Kafka message, as JSON (`json`) or as one text line (`line`, e.g. Snort fast.log). */
    codec: z.enum(['json', 'line']),
    key: z.string().min(1).optional(),
  }),
  /** The shipper's configuration, one array entry per line (JSON has no multi-line strings). */
  config: z.strictObject({ file: z.string().min(1), lines: z.array(z.string()).min(1) }),
  notes: z.array(z.string()).default([]),
});
export type Connector = z.infer<typeof Connector>;

/** `connectors/` beside package.json, found by walking up (the same from src/ under ts-node and from dist/). */
export function defaultConnectorsDir(start: string = __dirname): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'connectors'))) return join(dir, 'connectors');
    if (dirname(dir) === dir) throw new IraError(ErrorCodes.configInvalid, `no connectors/ directory above ${start}`);
  }
}

function parseConnector(dir: string, file: string): Connector {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch (error) {
    throw new IraError(ErrorCodes.configInvalid, `connector ${file}: not JSON`, { cause: error });
  }
  const parsed = Connector.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new IraError(ErrorCodes.configInvalid, `connector ${file}: ${issues}`);
  }
  if (`${parsed.data.id}.json` !== file) {
    throw new IraError(ErrorCodes.configInvalid, `connector ${file}: id "${parsed.data.id}" must match the file name`);
  }
  return parsed.data;
}

/** Reads and validates every `*.json` of the directory; throws one IraError naming the first bad file. */
export function loadConnectors(dir: string): Connector[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json')).sort();
  } catch (error) {
    throw new IraError(ErrorCodes.configInvalid, `cannot read connectors directory ${dir}`, { cause: error });
  }
  return files.map((file) => parseConnector(dir, file));
}
