import { toPort } from './fields';

export interface Endpoint {
  ip: string;
  port?: number | undefined;
}

/**
 * Splits the `address:port` notation of Snort/Suricata fast-alert lines and Wazuh's `dstip` ("10.0.2.12:445").
 * `[v6]:port` is read as bracketed IPv6; an unbracketed address with several colons is IPv6 without a port
 * (Snort 2 prints IPv6 that way and the last group cannot be told from a port, so it is not guessed at).
 */
export function parseEndpoint(text: string): Endpoint | undefined {
  if (text === '') return undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 2) return undefined;
    const ip = text.slice(1, close);
    const rest = text.slice(close + 1);
    return rest.startsWith(':') ? { ip, port: toPort(rest.slice(1)) } : { ip };
  }
  const colon = text.indexOf(':');
  if (colon < 0 || colon !== text.lastIndexOf(':')) return { ip: text };
  const port = toPort(text.slice(colon + 1));
  return port === undefined ? { ip: text } : { ip: text.slice(0, colon), port };
}
