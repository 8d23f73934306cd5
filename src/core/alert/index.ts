/** Alert intake: format detection and normalisation of every supported source into one ECS-aligned schema. */
export { AlertFormat, AlertFormats, NormalizedAlert, type AlertRejection } from './schema';
export { normalizeAlert, type NormalizeHint } from './normalize';
export { detectFormat, detectJsonFormat, detectTextFormat } from './detect-format';
export { parseInput, type ParsedInput } from './parse-input';
export { getPath, isRecord, type JsonRecord } from './get-path';
export { toIsoTimestamp } from './timestamp';
export { SeverityAnchor, DEFAULT_SEVERITY } from './severity';
export type { Threat } from './mitre';
