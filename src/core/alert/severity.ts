/**
 * ira's severity scale is 0–100. Categorical source severities map onto the default risk scores that Elastic
 * Security gives its severity labels (low 21, medium 47, high 73, critical 99), so that an ira severity reads the
 * same as a Kibana risk score; Sigma's `informational` level sits below them at 10.
 */
export const SeverityAnchor = { critical: 99, high: 73, medium: 47, low: 21, informational: 10 } as const;

/** For sources that say nothing about severity: "medium", neither hidden nor escalated. */
export const DEFAULT_SEVERITY = SeverityAnchor.medium;

const LABELS: Readonly<Record<string, number>> = {
  critical: SeverityAnchor.critical,
  high: SeverityAnchor.high,
  medium: SeverityAnchor.medium,
  moderate: SeverityAnchor.medium,
  low: SeverityAnchor.low,
  informational: SeverityAnchor.informational,
  info: SeverityAnchor.informational,
};

export function severityFromLabel(label: string): number | undefined {
  const key = label.trim().toLowerCase();
  return Object.hasOwn(LABELS, key) ? LABELS[key] : undefined;
}

/**
 * Snort priorities and Suricata severities share one convention: 1 is the most urgent. ET Open uses 1–3 for
 * attacks and 4 for informational policy rules; anything above 4 is treated as informational as well.
 */
export function severityFromPriority(priority: number): number {
  if (priority <= 1) return SeverityAnchor.high;
  if (priority === 2) return SeverityAnchor.medium;
  if (priority === 3) return SeverityAnchor.low;
  return SeverityAnchor.informational;
}

export function clampSeverity(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_SEVERITY;
  return Math.min(100, Math.max(0, value));
}
