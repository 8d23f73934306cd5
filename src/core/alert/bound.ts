import { isIpAddress } from './ip';
import { MAX_KEYWORD_LENGTH } from './limits';
import type { NormalizedAlert } from './schema';

/** Most `host.ip` values kept per alert (a host has a handful; thousands are a flood aimed at entity handling). */
export const MAX_HOST_IPS = 64;

/**
 * Makes a normalised alert indexable whatever the source wrote, and says what it changed (`ira.truncated`, the
 * dotted names of the fields it cut or moved): keyword fields longer than MAX_KEYWORD_LENGTH are cut (a keyword
 * over 32 KB makes the engines refuse the whole document), `host.ip` keeps its first MAX_HOST_IPS addresses, and an
 * address field that holds no IP address (`dc01.corp.local`, `999.1.1.1`) moves to ECS `source.address` /
 * `destination.address`, so `source.ip` and `destination.ip` only ever hold what the `ip` type takes. Host entries
 * that are not IP addresses are dropped (the host name has its own field). `event.original` keeps every byte.
 */
export function boundAlert(alert: NormalizedAlert): NormalizedAlert {
  const cut: string[] = [];
  const keyword = (field: string, value: string | undefined): string | undefined => {
    if (value === undefined || value.length <= MAX_KEYWORD_LENGTH) return value;
    cut.push(field);
    return truncate(value, MAX_KEYWORD_LENGTH);
  };
  const keywords = (field: string, values: string[]): string[] => {
    const bounded = values.map((value) => truncate(value, MAX_KEYWORD_LENGTH));
    if (bounded.some((value, index) => value !== values[index])) cut.push(field);
    return bounded;
  };
  const bounded: NormalizedAlert = {
    ...alert,
    event: {
      ...alert.event,
      id: keyword('event.id', alert.event.id) ?? alert.event.id,
      dataset: keyword('event.dataset', alert.event.dataset),
      action: keyword('event.action', alert.event.action),
    },
    rule: {
      id: keyword('rule.id', alert.rule.id),
      name: keyword('rule.name', alert.rule.name),
      category: keyword('rule.category', alert.rule.category),
    },
    host: { name: keyword('host.name', alert.host.name), ip: hostIps(alert.host.ip, cut) },
    source: endpoint('source', alert.source, cut, keyword),
    destination: endpoint('destination', alert.destination, cut, keyword),
    user: { name: keyword('user.name', alert.user.name) },
    network: alert.network && {
      transport: keyword('network.transport', alert.network.transport),
      protocol: keyword('network.protocol', alert.network.protocol),
    },
    observer: alert.observer && {
      vendor: keyword('observer.vendor', alert.observer.vendor),
      product: keyword('observer.product', alert.observer.product),
    },
    threat: {
      tactic: { id: keywords('threat.tactic.id', alert.threat.tactic.id), name: keywords('threat.tactic.name', alert.threat.tactic.name) },
      technique: {
        id: keywords('threat.technique.id', alert.threat.technique.id),
        name: keywords('threat.technique.name', alert.threat.technique.name),
      },
    },
  };
  const caseId = keyword('ira.case_id', alert.ira.case_id);
  return { ...bounded, ira: { ...alert.ira, case_id: caseId, truncated: cut.length > 0 ? cut : undefined } };
}

type Endpoint = NormalizedAlert['source'];

function endpoint(
  field: 'source' | 'destination',
  value: Endpoint,
  cut: string[],
  keyword: (field: string, value: string | undefined) => string | undefined,
): Endpoint {
  const address = keyword(`${field}.address`, value.address);
  if (value.ip === undefined || isIpAddress(value.ip)) return { ...value, address };
  cut.push(`${field}.ip`);
  return { ...value, ip: undefined, address: address ?? keyword(`${field}.address`, value.ip) };
}

function hostIps(ips: string[] | undefined, cut: string[]): string[] | undefined {
  if (ips === undefined) return undefined;
  const valid = ips.filter(isIpAddress);
  const kept = valid.length > MAX_HOST_IPS ? valid.slice(0, MAX_HOST_IPS) : valid;
  if (kept.length !== ips.length) cut.push('host.ip');
  return kept.length > 0 ? kept : undefined;
}

/** The first `max` UTF-16 units, without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
