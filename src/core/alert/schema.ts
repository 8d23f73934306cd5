import { z } from 'zod';
import { isIpAddress } from './ip';
import { inAlertYears } from './timestamp';

/** Every input format ira recognises; `generic-json` is the fallback for JSON objects of unknown origin. */
export const AlertFormats = [
  'elastic-security',
  'opensearch-finding',
  'wazuh',
  'suricata-eve',
  'snort',
  'zeek-notice',
  'generic-json',
] as const;
export const AlertFormat = z.enum(AlertFormats);
export type AlertFormat = z.infer<typeof AlertFormat>;

const stringList = z.array(z.string().min(1));
/** What the engines' `ip` type takes (see ip.ts); anything else would make them refuse the whole document. */
const ipAddress = z.string().refine(isIpAddress, 'not an IP address');

/**
 * The normalised alert: ECS-aligned field names so analysts can query `ira-alerts` like any other ECS index.
 * `event.severity` is ira's 0–100 scale (normalisers map each source's own scale onto it).
 * `event.original` keeps the source record verbatim (the exact bytes as text), so nothing is lost in normalisation.
 */
export const NormalizedAlert = z.object({
  '@timestamp': z.iso
    .datetime({ offset: true })
    .refine((text) => inAlertYears(Number(text.slice(0, 4))), 'outside the years 1970–2200'),
  message: z.string(),
  event: z.object({
    kind: z.literal('alert'),
    /** The source's own id for the alert (or a content hash when the source has none). */
    id: z.string().min(1),
    severity: z.number().min(0).max(100),
    original: z.string(),
    dataset: z.string().optional(),
    action: z.string().optional(),
  }),
  rule: z.object({
    id: z.string().optional(),
    name: z.string().optional(),
    category: z.string().optional(),
  }),
  host: z.object({ name: z.string().optional(), ip: z.array(ipAddress).optional() }),
  /** `address`: what the source wrote when it is not an IP address (a host name, a mangled value), as in ECS. */
  source: z.object({ ip: ipAddress.optional(), address: z.string().optional(), port: z.number().int().optional() }),
  destination: z.object({
    ip: ipAddress.optional(),
    address: z.string().optional(),
    port: z.number().int().optional(),
  }),
  user: z.object({ name: z.string().optional() }),
  network: z.object({ transport: z.string().optional(), protocol: z.string().optional() }).optional(),
  observer: z.object({ vendor: z.string().optional(), product: z.string().optional() }).optional(),
  threat: z.object({
    tactic: z.object({ id: stringList, name: stringList }),
    technique: z.object({ id: stringList, name: stringList }),
  }),
  ira: z.object({
    format: AlertFormat,
    /** Deterministic document id: `stableHash(format + event.id)`; a redelivery maps to the same _id. */
    alert_id: z.string().min(1),
    /** An incident or case id already carried by the source; it wins over correlation. */
    case_id: z.string().optional(),
    /** Fields cut or moved to make the alert indexable (see bound.ts); `event.original` keeps the source bytes. */
    truncated: z.array(z.string()).optional(),
  }),
});
export type NormalizedAlert = z.infer<typeof NormalizedAlert>;

/** Why an input could not become a NormalizedAlert; goes with the original bytes to the dead-letter topic. */
export interface AlertRejection {
  readonly reason: 'unparseable' | 'unknown-format' | 'invalid';
  /** Which bound refused the record, for `unparseable` input that was never parsed (see limits.ts). */
  readonly code?: 'too-large' | 'too-deep';
  readonly message: string;
  readonly format?: AlertFormat;
  readonly issues?: readonly string[];
}
