import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * compose.yaml is read line by line (no YAML parser is a dependency of this project): just enough structure to
 * find each service's block and the settings below.
 */
const ROOT = join(__dirname, '..', '..', '..');
const text = readFileSync(join(ROOT, 'compose.yaml'), 'utf8');
const lines = text.split('\n').filter((line) => !line.trimStart().startsWith('#'));

/** The lines of one service (two-space indent under `services:`), up to the next service or top-level key. */
function service(name: string): string[] {
  const start = lines.indexOf(`  ${name}:`);
  if (start < 0) throw new Error(`compose.yaml has no service ${name}`);
  const end = lines.findIndex((line, index) => index > start && /^ {0,2}\S/.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

const setting = (block: string[], key: string): string | undefined =>
  block.map((line) => new RegExp(`^\\s+${key}:\\s*(.*)$`).exec(line)?.[1]).find((value) => value !== undefined);

const images = lines.flatMap((line) => /^\s+image:\s*(\S+)/.exec(line)?.[1] ?? []);

describe('compose.yaml', () => {
  test('every image is pinned to a version tag (no :latest, no bare name), except ira built here', () => {
    expect(images.length).toBeGreaterThanOrEqual(7);
    for (const image of images.filter((name) => name !== 'ira:local')) {
      expect(image).toMatch(/^[a-z0-9./-]+:\d+\.\d+\.\d+$/);
    }
    expect(text).not.toMatch(/:latest\b/);
  });

  test('Ollama is the version scripts/ollama.sh builds for the tests', () => {
    const version = /OLLAMA_VERSION="\$\{IRA_OLLAMA_VERSION:-([\d.]+)\}"/.exec(readFileSync(join(ROOT, 'scripts', 'ollama.sh'), 'utf8'))?.[1];
    expect(setting(service('ollama'), 'image')).toBe(`ollama/ollama:${version ?? '?'}`);
  });

  test('Kafka advertises a listener for the compose network and one for the host, published on loopback', () => {
    const kafka = service('kafka');
    expect(setting(kafka, 'KAFKA_ADVERTISED_LISTENERS')).toBe('INTERNAL://kafka:9092,EXTERNAL://localhost:29092');
    expect(setting(kafka, 'KAFKA_LISTENERS')).toMatch(/INTERNAL:\/\/:9092/);
    expect(setting(kafka, 'KAFKA_LISTENERS')).toMatch(/EXTERNAL:\/\/:29092/);
    expect(setting(kafka, 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP')).toMatch(/INTERNAL:PLAINTEXT.*EXTERNAL:PLAINTEXT/);
    expect(setting(kafka, 'KAFKA_INTER_BROKER_LISTENER_NAME')).toBe('INTERNAL');
    expect(setting(kafka, 'ports')).toBe('["127.0.0.1:29092:29092"]');
    expect(setting(service('ira'), 'IRA_KAFKA_BROKERS')).toBe('kafka:9092');
  });

  test('every published port is bound to 127.0.0.1', () => {
    const ports = lines.flatMap((line) => /^\s+ports:\s*\[(.*)\]/.exec(line)?.[1]?.split(',') ?? []);
    expect(ports.length).toBeGreaterThanOrEqual(6);
    for (const port of ports) expect(port.trim()).toMatch(/^"127\.0\.0\.1:\d+:\d+"$/);
  });

  test('an opensearch profile with OpenSearch and OpenSearch Dashboards', () => {
    for (const name of ['opensearch', 'opensearch-dashboards', 'dashboards-opensearch']) {
      expect(setting(service(name), 'profiles')).toBe('["opensearch"]');
    }
  });

  test('a one-shot service installs the saved objects into Kibana', () => {
    const dashboards = service('dashboards');
    expect(setting(dashboards, 'command')).toBe('["node", "dist/src/cli/main.js", "dashboards", "install", "--kibana", "http://kibana:5601"]');
    expect(setting(dashboards, 'restart')).toBe('"no"');
  });
});
