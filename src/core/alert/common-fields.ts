import type { JsonRecord } from './get-path';
import { parseEndpoint } from './endpoint';
import { firstPort, firstText, nonEmpty, toTextList } from './fields';
import { getPath } from './get-path';
import type { NormalizedAlert } from './schema';

export type CommonFields = Pick<NormalizedAlert, 'host' | 'source' | 'destination' | 'user' | 'network'>;

/**
 * The names JSON alert producers commonly use for who/where, ECS first. Used for ECS documents (Elastic alerts,
 * the documents behind OpenSearch findings) and as best effort for JSON of unknown origin. A bare `ip` describes
 * the reporting host (AIT's alert exports, many agents), never the network peer.
 */
const PATHS = {
  hostName: ['host.name', 'host.hostname', 'hostname', 'host'],
  hostIp: ['host.ip', 'ip'],
  sourceIp: ['source.ip', 'src_ip', 'srcip', 'source_ip', 'src', 'client.ip'],
  sourcePort: ['source.port', 'src_port', 'srcport', 'source_port', 'sport'],
  destinationIp: ['destination.ip', 'dest_ip', 'dst_ip', 'dstip', 'destination_ip', 'dst', 'server.ip'],
  destinationPort: ['destination.port', 'dest_port', 'dst_port', 'dstport', 'destination_port', 'dport'],
  userName: ['user.name', 'username', 'user_name', 'user'],
  transport: ['network.transport', 'proto', 'transport'],
  protocol: ['network.protocol', 'app_proto'],
} as const;

export function extractCommonFields(record: JsonRecord): CommonFields {
  const transport = firstText(record, PATHS.transport);
  const protocol = firstText(record, PATHS.protocol);
  return {
    host: { name: firstText(record, PATHS.hostName), ip: nonEmpty(toTextList(firstListValue(record))) },
    source: endpointFields(firstText(record, PATHS.sourceIp), firstPort(record, PATHS.sourcePort)),
    destination: endpointFields(firstText(record, PATHS.destinationIp), firstPort(record, PATHS.destinationPort)),
    user: { name: firstText(record, PATHS.userName) },
    network:
      transport === undefined && protocol === undefined
        ? undefined
        : { transport: transport?.toLowerCase(), protocol: protocol?.toLowerCase() },
  };
}

function firstListValue(record: JsonRecord): unknown {
  for (const path of PATHS.hostIp) {
    const value = getPath(record, path);
    if (toTextList(value).length > 0) return value;
  }
  return undefined;
}

/** An address field may carry `ip:port` (Wazuh's `dstip`); a port given on its own wins over the embedded one. */
export function endpointFields(
  address: string | undefined,
  port: number | undefined,
): { ip?: string | undefined; port?: number | undefined } {
  if (address === undefined) return { ip: undefined, port };
  const endpoint = parseEndpoint(address);
  return { ip: endpoint?.ip ?? address, port: port ?? endpoint?.port };
}
