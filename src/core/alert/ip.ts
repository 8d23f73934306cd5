/**
 * IP address text as Elasticsearch's and OpenSearch's `ip` field type accept it (their `InetAddresses`, from Guava):
 * dotted-quad IPv4 without leading zeros, and IPv6 with at most one `::` and an optional dotted-quad tail. Zone ids
 * (`fe80::1%eth0`) are refused. Written with indexOf/split and length bounds, no regular expression.
 */
const MAX_IPV6_LENGTH = 45;

export function isIpAddress(text: string): boolean {
  return text.includes(':') ? isIpv6(text) : isIpv4(text);
}

export function isIpv4(text: string): boolean {
  if (text.length < 7 || text.length > 15) return false;
  const parts = text.split('.');
  return parts.length === 4 && parts.every(isOctet);
}

function isOctet(part: string): boolean {
  if (part.length === 0 || part.length > 3 || (part.length > 1 && part.startsWith('0'))) return false;
  for (let index = 0; index < part.length; index++) {
    const code = part.charCodeAt(index);
    if (code < 0x30 || code > 0x39) return false;
  }
  return Number(part) <= 255;
}

export function isIpv6(text: string): boolean {
  if (text.length < 2 || text.length > MAX_IPV6_LENGTH) return false;
  const skip = text.indexOf('::');
  if (skip >= 0 && text.indexOf('::', skip + 1) >= 0) return false;
  const head = skip < 0 ? text : text.slice(0, skip);
  const tail = skip < 0 ? '' : text.slice(skip + 2);
  const groups = [...(head === '' ? [] : head.split(':')), ...(tail === '' ? [] : tail.split(':'))];
  let count = 0;
  for (let index = 0; index < groups.length; index++) {
    const group = groups[index] as string;
    // A dotted-quad may only end the address (`::ffff:1.2.3.4`), never precede a `::`.
    if (index === groups.length - 1 && group.includes('.') && !text.endsWith(':')) {
      if (!isIpv4(group)) return false;
      count += 2;
    } else if (isHexGroup(group)) count += 1;
    else return false;
  }
  return skip < 0 ? count === 8 : count <= 7;
}

function isHexGroup(group: string): boolean {
  if (group.length === 0 || group.length > 4) return false;
  for (let index = 0; index < group.length; index++) {
    const code = group.charCodeAt(index);
    const lower = code | 0x20;
    if (!((code >= 0x30 && code <= 0x39) || (code >= 0x41 && lower >= 0x61 && lower <= 0x66))) return false;
  }
  return true;
}
