import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createElasticsearchTransport } from '../../src/adapters/store/elasticsearch-transport';
import { createOpenSearchTransport } from '../../src/adapters/store/opensearch-transport';
import type { StoreConnectionOptions } from '../../src/adapters/store/transport';
import { IraError } from '../../src/errors';

/**
 * The engine clients' TLS and API-key settings against a local HTTPS server (127.0.0.1, a port the OS picks) with a
 * certificate signed by a CA this test makes (scripts/kafka-secure.sh certs): the engines' integ-test distributions
 * have no TLS and no API keys to test against (docs/services.md).
 */
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'kafka-secure.sh');
const run = promisify(execFile);
const trusted = mkdtempSync(join(tmpdir(), 'ira-store-tls-'));
const other = mkdtempSync(join(tmpdir(), 'ira-store-other-ca-'));
const API_KEY = 'aXJhLXRlc3Q6a2V5LXZhbHVl';
const seen: { authorization?: string | undefined; path?: string | undefined }[] = [];
let server: Server;
let node: string;

beforeAll(async () => {
  await run('bash', [SCRIPT, 'certs', trusted]);
  await run('bash', [SCRIPT, 'certs', other]);
  server = createServer(
    { key: readFileSync(join(trusted, 'broker.key')), cert: readFileSync(join(trusted, 'broker.pem')) },
    (request, response) => {
      seen.push({ authorization: request.headers.authorization, path: request.url });
      // The Elasticsearch client's product check wants this header on every answer.
      response.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      response.end(JSON.stringify({ status: 'green' }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  node = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(trusted, { recursive: true, force: true });
  rmSync(other, { recursive: true, force: true });
});

function options(overrides: Partial<StoreConnectionOptions>): StoreConnectionOptions {
  return { node, caFile: join(trusted, 'ca.pem'), rejectUnauthorized: true, requestTimeoutMs: 10_000, ...overrides };
}

test('Elasticsearch: the CA file is honoured and the API key is sent as `ApiKey <key>`', async () => {
  seen.length = 0;
  const transport = createElasticsearchTransport(options({ auth: { apiKey: API_KEY } }));
  try {
    const response = await transport.request({ method: 'GET', path: '/_cluster/health' }, AbortSignal.timeout(10_000));
    expect(response.statusCode).toBe(200);
    expect(seen).toEqual([{ authorization: `ApiKey ${API_KEY}`, path: '/_cluster/health' }]);
  } finally {
    await transport.close();
  }
});

test('OpenSearch: the CA file is honoured and basic auth is sent', async () => {
  seen.length = 0;
  const transport = createOpenSearchTransport(options({ auth: { username: 'ira', password: 'secret-value' } }));
  try {
    const response = await transport.request({ method: 'GET', path: '/_cluster/health' }, AbortSignal.timeout(10_000));
    expect(response.statusCode).toBe(200);
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('ira:secret-value').toString('base64')}`);
  } finally {
    await transport.close();
  }
});

test.each([
  ['elasticsearch', createElasticsearchTransport],
  ['opensearch', createOpenSearchTransport],
] as const)('%s: a CA that did not sign the certificate is refused, final, naming IRA_ES_CA_FILE', async (_flavor, create) => {
  const transport = create(options({ caFile: join(other, 'ca.pem') }));
  try {
    const failure = await transport.request({ method: 'GET', path: '/_cluster/health' }, AbortSignal.timeout(10_000)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(IraError);
    expect((failure as IraError).message).toMatch(/TLS refused the server certificate .*check IRA_ES_CA_FILE/);
    expect((failure as IraError).retryable).toBe(false);
  } finally {
    await transport.close();
  }
});

test('an unreadable CA file fails at client creation, naming IRA_ES_CA_FILE', () => {
  expect(() => createElasticsearchTransport(options({ caFile: join(trusted, 'missing.pem') }))).toThrow(/IRA_ES_CA_FILE: cannot read/);
});
