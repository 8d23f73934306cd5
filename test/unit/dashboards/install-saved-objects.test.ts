import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSavedObjects, installDashboards } from '../../../src/adapters/dashboards/install-saved-objects';
import { ErrorCodes, IraError } from '../../../src/errors';

/** A real HTTP server on 127.0.0.1 that records each request and answers from a script. */
interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

function recordingServer(answer: (request: Recorded) => { status: number; body: unknown }) {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const { status, body } = answer(recorded);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  return {
    requests,
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The parts of a multipart/form-data body, by the boundary its content-type names. */
function multipartParts(recorded: Recorded): { headers: string; content: string }[] {
  const boundary = /boundary=(.+)$/.exec(String(recorded.headers['content-type']))?.[1];
  if (!boundary) return [];
  return recorded.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [headers = '', ...rest] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      return { headers, content: rest.join('\r\n\r\n').replace(/\r\n$/, '') };
    });
}

const success = (count: number) => ({ status: 200, body: { success: true, successCount: count, successResults: [] } });
const signal = () => new AbortController().signal;
const root = join(__dirname, '..', '..', '..');

describe('installDashboards against a recording server', () => {
  const server = recordingServer(() => success(15));
  let base: string;
  beforeAll(async () => (base = await server.start()));
  afterAll(() => server.stop());
  beforeEach(() => (server.requests.length = 0));

  test('Kibana: POST /api/saved_objects/_import?overwrite=true, kbn-xsrf, ApiKey, multipart file with its filename', async () => {
    const reports = await installDashboards({ kibana: `${base}/s/soc/`, auth: { apiKey: 'a2V5OnNlY3JldA==' } }, signal());
    expect(reports).toEqual([{ product: 'kibana', url: `${base}/s/soc/`, file: 'ira.ndjson', successCount: 15 }]);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/s/soc/api/saved_objects/_import?overwrite=true');
    expect(request?.headers['kbn-xsrf']).toBe('true');
    expect(request?.headers['osd-xsrf']).toBeUndefined();
    expect(request?.headers.authorization).toBe('ApiKey a2V5OnNlY3JldA==');
    expect(request?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const parts = multipartParts(request as Recorded);
    expect(parts).toHaveLength(1);
    expect(parts[0]?.headers).toMatch(/Content-Disposition: form-data; name="file"; filename="ira.ndjson"/i);
    expect(parts[0]?.content).toBe(readFileSync(join(root, 'dashboards', 'kibana', 'ira.ndjson'), 'utf8'));
  });

  test('OpenSearch Dashboards: the same API with osd-xsrf and basic auth', async () => {
    await installDashboards({ opensearchDashboards: base, auth: { username: 'admin', password: 'p:w' } }, signal());
    const [request] = server.requests;
    expect(request?.url).toBe('/api/saved_objects/_import?overwrite=true');
    expect(request?.headers['osd-xsrf']).toBe('true');
    expect(request?.headers['kbn-xsrf']).toBeUndefined();
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('admin:p:w').toString('base64')}`);
    const parts = multipartParts(request as Recorded);
    expect(parts[0]?.content).toBe(readFileSync(join(root, 'dashboards', 'opensearch-dashboards', 'ira.ndjson'), 'utf8'));
  });

  test('both products in one call, and another index prefix rewrites only the data view titles', async () => {
    await installDashboards({ kibana: base, opensearchDashboards: base, indexPrefix: 'soc1' }, signal());
    expect(server.requests.map((request) => Boolean(request.headers['kbn-xsrf']))).toEqual([true, false]);
    const lines = multipartParts(server.requests[0] as Recorded)[0]?.content.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type?: string; attributes?: { title?: string } });
    const titles = lines?.filter((object) => object.type === 'index-pattern').map((object) => object.attributes?.title);
    expect(titles?.sort()).toEqual(['soc1-alerts*', 'soc1-conjectures*', 'soc1-incidents*', 'soc1-recommendations*']);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  test('neither URL is a configuration error; an empty folder too', async () => {
    await expect(installDashboards({}, signal())).rejects.toMatchObject({ code: ErrorCodes.configInvalid });
    const empty = mkdtempSync(join(tmpdir(), 'ira-dash-'));
    mkdirSync(join(empty, 'kibana'));
    writeFileSync(join(empty, 'kibana', 'notes.txt'), 'x');
    await expect(installDashboards({ kibana: base, dashboardsDir: empty }, signal())).rejects.toMatchObject({ code: ErrorCodes.configInvalid });
    expect(server.requests).toHaveLength(0);
  });
});

describe('importSavedObjects errors are typed', () => {
  const cases = [
    { name: '401', status: 401, body: { message: 'unauthorized' }, code: ErrorCodes.storeRejected, retryable: false },
    { name: '503', status: 503, body: 'down', code: ErrorCodes.storeUnavailable, retryable: true },
    {
      name: 'a partial import (success false)',
      status: 200,
      body: { success: false, successCount: 1, errors: [{ id: 'ira-dashboard', type: 'dashboard', error: { type: 'missing_references' } }] },
      code: ErrorCodes.storeRejected,
      retryable: false,
    },
  ];
  test.each(cases)('$name', async ({ status, body, code, retryable }) => {
    const server = recordingServer(() => ({ status, body }));
    const base = await server.start();
    try {
      const error = await importSavedObjects({ product: 'kibana', baseUrl: base, ndjson: '{}\n', fileName: 'x.ndjson' }, signal()).catch((e: unknown) => e);
      expect(IraError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code, retryable });
    } finally {
      await server.stop();
    }
  });

  test('an unreachable product is retryable; an aborted call says aborted; the injected fetch is the one used', async () => {
    const server = recordingServer(() => success(0));
    const base = await server.start();
    await server.stop();
    await expect(importSavedObjects({ product: 'kibana', baseUrl: base, ndjson: '', fileName: 'x.ndjson' }, signal())).rejects.toMatchObject({
      code: ErrorCodes.storeUnavailable,
      retryable: true,
    });
    const controller = new AbortController();
    controller.abort();
    await expect(importSavedObjects({ product: 'kibana', baseUrl: base, ndjson: '', fileName: 'x.ndjson' }, controller.signal)).rejects.toMatchObject({
      code: ErrorCodes.aborted,
    });
    const seen: string[] = [];
    const injected: typeof fetch = (input) => {
      seen.push(input instanceof Request ? input.url : input.toString());
      return Promise.resolve(new Response(JSON.stringify({ success: true, successCount: 3 }), { status: 200 }));
    };
    await expect(importSavedObjects({ product: 'opensearch-dashboards', baseUrl: 'http://osd.invalid:5601', ndjson: '', fileName: 'x.ndjson', fetch: injected }, signal())).resolves.toBe(3);
    expect(seen).toEqual(['http://osd.invalid:5601/api/saved_objects/_import?overwrite=true']);
  });
});
