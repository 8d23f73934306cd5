import { err, ok, type Result } from '../result';
import { boundAlert } from './bound';
import { detectFormat } from './detect-format';
import type { Normalizer } from './draft';
import { normalizeElasticSecurity } from './normalizers/elastic-security';
import { normalizeGenericJson } from './normalizers/generic-json';
import { normalizeOpenSearchFinding } from './normalizers/opensearch-finding';
import { normalizeSnort } from './normalizers/snort';
import { normalizeSuricataEve } from './normalizers/suricata-eve';
import { normalizeWazuh } from './normalizers/wazuh';
import { normalizeZeekNotice } from './normalizers/zeek-notice';
import { parseInput, type InputLimits } from './parse-input';
import { NormalizedAlert, type AlertFormat, type AlertRejection } from './schema';

const NORMALIZERS: Readonly<Record<AlertFormat, Normalizer>> = {
  'elastic-security': normalizeElasticSecurity,
  'opensearch-finding': normalizeOpenSearchFinding,
  wazuh: normalizeWazuh,
  'suricata-eve': normalizeSuricataEve,
  snort: normalizeSnort,
  'zeek-notice': normalizeZeekNotice,
  'generic-json': normalizeGenericJson,
};

export interface NormalizeHint extends InputLimits {
  /** The format the connector promises; skips detection (the message must still have that format's shape). */
  readonly format?: AlertFormat | undefined;
}

/**
 * One received message (a JSON document or a text line, exactly as received) to one schema-valid alert, or the
 * reason it cannot be one. Pure and synchronous; the message is parsed once.
 */
export function normalizeAlert(raw: string, hint?: NormalizeHint): Result<NormalizedAlert, AlertRejection> {
  const parsed = parseInput(raw, hint);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const format = hint?.format ?? detectFormat(input);
  if (format === undefined) {
    return err({
      reason: 'unknown-format',
      message: 'not JSON and not a known alert line (Snort alert, Zeek notice.log TSV)',
    });
  }
  const candidate = NORMALIZERS[format](
    input.kind === 'json'
      ? { raw, record: input.record, envelopeId: input.envelopeId }
      : { raw, line: input.line },
  );
  if (!candidate.ok) return err(invalid(format, candidate.error));
  return validateAlert(format, boundAlert(candidate.value));
}

/**
 * The schema check every candidate passes through. The normalisers are typed to the schema, so this is the
 * safety net for what types cannot say (ranges, ISO form, non-empty ids); each failing field becomes one issue.
 */
export function validateAlert(format: AlertFormat, candidate: unknown): Result<NormalizedAlert, AlertRejection> {
  const checked = NormalizedAlert.safeParse(candidate);
  if (checked.success) return ok(checked.data);
  return err(invalid(format, checked.error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`)));
}

function invalid(format: AlertFormat, issues: readonly string[]): AlertRejection {
  return { reason: 'invalid', format, message: `${format}: ${issues.join('; ')}`, issues };
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}
