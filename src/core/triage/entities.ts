import type { NormalizedAlert } from '../alert/schema';

/**
 * Entities an alert can be correlated on, as index keys: `h:` host name, `i:` IP, `u:` user name (names lower-cased).
 * Values that identify nothing are never keys (they would glue every incident together):
 * - loopback, unspecified, broadcast, multicast and link-local IPs (not unique across machines or segments);
 * - placeholder names (`-`, `unknown`, `localhost` …) and generic accounts present on every machine (`root`,
 *   `SYSTEM`, `nobody` …) — a shared `root` says nothing about two hosts being in one attack;
 * - the host of a network-IDS alert that has a source or destination IP: there `host` is the sensor that saw the
 *   traffic, not a party to it, and one sensor sees everything;
 * - whatever the operator lists in TriageOptions.ignoreEntities (the SIEM manager, a known gateway).
 */
const PLACEHOLDERS = ['', '-', 'n/a', 'na', 'none', '(none)', 'null', 'unknown', 'localhost', 'localhost.localdomain'];
const GENERIC_USERS = [
  'root', 'system', 'nt authority\\system', 'local service', 'network service', 'nt authority\\local service',
  'nt authority\\network service', 'nobody', 'anonymous', 'daemon', 'www-data', 'guest',
];
const SENSOR_FORMATS = new Set<string>(['suricata-eve', 'snort', 'zeek-notice']);
const SENSOR_PRODUCTS = new Set<string>(['suricata', 'snort', 'zeek', 'bro']);

export interface EntityFilter {
  readonly ignored: ReadonlySet<string>;
}

export function entityFilter(extra: readonly string[] = []): EntityFilter {
  return { ignored: new Set([...PLACEHOLDERS, ...GENERIC_USERS, ...extra.map((v) => v.trim().toLowerCase())]) };
}

/** True for addresses shared by unrelated machines. String tests only: this runs for every alert. */
export function isNonUniqueIp(ip: string): boolean {
  if (ip.includes(':')) {
    const v6 = ip.toLowerCase();
    if (v6.startsWith('::ffff:')) return isNonUniqueIp(v6.slice(7));
    return v6 === '::' || v6 === '::1' || v6.startsWith('ff') || v6.startsWith('fe80:');
  }
  if (ip.startsWith('127.') || ip.startsWith('0.') || ip.startsWith('169.254.') || ip === '255.255.255.255') return true;
  const firstOctet = Number(ip.slice(0, ip.indexOf('.')));
  return firstOctet >= 224 && firstOctet <= 239;
}

/** The host fields name the sensor, not a party, when a network IDS reports a flow. */
export function hostIsSensor(alert: NormalizedAlert): boolean {
  if (alert.source.ip === undefined && alert.destination.ip === undefined) return false;
  const product = alert.observer?.product;
  return SENSOR_FORMATS.has(alert.ira.format) || (product !== undefined && SENSOR_PRODUCTS.has(product.toLowerCase()));
}

export interface AlertEntities {
  /** Index keys usable for linking, deduplicated. */
  readonly keys: string[];
  /** Display values for the incident (sensor and ignored values left out). */
  readonly hosts: string[];
  readonly ips: string[];
  readonly users: string[];
}

export function alertEntities(alert: NormalizedAlert, filter: EntityFilter): AlertEntities {
  const out: AlertEntities = { keys: [], hosts: [], ips: [], users: [] };
  const sensor = hostIsSensor(alert);
  if (!sensor) {
    addName(out.keys, out.hosts, 'h:', alert.host.name, filter);
    for (const ip of alert.host.ip ?? []) addIp(out, ip, filter);
  }
  if (alert.source.ip !== undefined) addIp(out, alert.source.ip, filter);
  if (alert.destination.ip !== undefined) addIp(out, alert.destination.ip, filter);
  addName(out.keys, out.users, 'u:', alert.user.name, filter);
  return out;
}

function addName(keys: string[], shown: string[], prefix: string, value: string | undefined, filter: EntityFilter): void {
  if (value === undefined) return;
  const lower = value.trim().toLowerCase();
  if (filter.ignored.has(lower)) return;
  const key = prefix + lower;
  if (keys.includes(key)) return;
  keys.push(key);
  shown.push(value);
}

function addIp(out: AlertEntities, ip: string, filter: EntityFilter): void {
  const lower = ip.trim().toLowerCase();
  if (lower === '' || isNonUniqueIp(lower) || filter.ignored.has(lower)) return;
  const key = 'i:' + lower;
  if (out.keys.includes(key)) return;
  out.keys.push(key);
  out.ips.push(ip);
}

/** The index key of a value listed on a stored incident (rebuilding the index on resume); undefined when ignored. */
export function keyFor(kind: 'host' | 'ip' | 'user', value: string, filter: EntityFilter): string | undefined {
  const lower = value.trim().toLowerCase();
  if (filter.ignored.has(lower)) return undefined;
  if (kind === 'ip') return lower === '' || isNonUniqueIp(lower) ? undefined : 'i:' + lower;
  return (kind === 'host' ? 'h:' : 'u:') + lower;
}

const SEP = '\u0001';

/** Exact-repeat signature: same rule, same parties. Format is included because rule ids are per product. */
export function signature(alert: NormalizedAlert): string {
  return (
    alert.ira.format + SEP + (alert.rule.id ?? '') + SEP + (alert.rule.name ?? '') + SEP + (alert.source.ip ?? '') + SEP +
    (alert.destination.ip ?? '') + SEP + (alert.host.name ?? alert.host.ip?.[0] ?? '') + SEP + (alert.user.name ?? '')
  );
}

/** The rule as shown on the incident and used for novelty: its name, else its id. */
export function ruleLabel(alert: NormalizedAlert): string | undefined {
  return alert.rule.name ?? alert.rule.id;
}
