import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { runDashboardsCommand } from '../../../src/cli/dashboards';

/** `ira dashboards install` drives the saved-objects import of each product named, with the configured credentials. */
interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

function recordingServer(): Promise<{ server: Server; url: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const objects = body.split('\n').filter((line) => line.trim().startsWith('{"')).length;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ success: true, successCount: objects }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })),
  );
}

function output(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('ira dashboards install', () => {
  let recording: Awaited<ReturnType<typeof recordingServer>>;
  beforeEach(async () => {
    recording = await recordingServer();
  });
  afterEach(() => new Promise<void>((resolve) => recording.server.close(() => resolve())));

  it('imports into Kibana and OpenSearch Dashboards with the configured API key and index prefix', async () => {
    const stdout = output();
    const stderr = output();
    const env = { IRA_DASHBOARDS_API_KEY: 'a2V5OnNlY3JldA==', IRA_INDEX_PREFIX: 'soc1' };
    const code = await runDashboardsCommand(
      ['install', '--kibana', recording.url, '--opensearch-dashboards', recording.url, '--json'],
      { stdout: stdout.stream, stderr: stderr.stream, env, signal: new AbortController().signal },
    );
    expect({ code, stderr: stderr.text() }).toEqual({ code: 0, stderr: '' });
    const paths = recording.requests.map((request) => `${request.method} ${request.url.split('?')[0]}`);
    expect(new Set(paths)).toEqual(new Set(['POST /api/saved_objects/_import']));
    expect(recording.requests.some((request) => request.headers['kbn-xsrf'] !== undefined)).toBe(true);
    expect(recording.requests.some((request) => request.headers['osd-xsrf'] !== undefined)).toBe(true);
    for (const request of recording.requests) {
      expect(request.url).toContain('overwrite=true');
      expect(request.headers.authorization).toBe('ApiKey a2V5OnNlY3JldA==');
      expect(request.body).toContain('soc1-recommendations');
    }
    const imported = (JSON.parse(stdout.text()) as { imported: { successCount: number }[] }).imported;
    expect(imported.length).toBe(recording.requests.length);
    expect(imported.every((report) => report.successCount > 0)).toBe(true);
  });

  it('refuses to run without a target and names the flags', async () => {
    const stderr = output();
    const code = await runDashboardsCommand(['install'], { stdout: output().stream, stderr: stderr.stream, env: {}, signal: new AbortController().signal });
    expect(code).toBe(2);
    expect(stderr.text()).toMatch(/--kibana/);
  });
});
