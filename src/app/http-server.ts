import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { describeError } from '../errors';
import type { Logger } from '../logger';
import { handleFeedbackPost, type FeedbackEndpointOptions, type HttpAnswer } from './http-feedback';
import type { Readiness } from './http-readiness';

export interface HttpEndpointOptions {
  readonly host: string;
  /** 0 = a free port, chosen by the system and logged (`http-listening`). */
  readonly port: number;
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly feedback: FeedbackEndpointOptions;
  readonly logger: Logger;
}

export interface HttpEndpoint {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

function answer(response: ServerResponse, result: HttpAnswer): void {
  const body = JSON.stringify(result.body);
  response.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...result.headers });
  response.end(body);
}

async function route(request: IncomingMessage, response: ServerResponse, options: HttpEndpointOptions): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const method = request.method ?? 'GET';
  const read = method === 'GET' || method === 'HEAD';
  if (path === '/healthz' && read) return answer(response, { status: 200, body: { status: 'ok' } });
  if (path === '/readyz' && read) {
    const report = await options.readiness.report();
    return answer(response, { status: report.ready ? 200 : 503, body: { ...report } });
  }
  if (path === '/metrics' && read) {
    const text = await options.registry.metrics();
    response.writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' });
    response.end(text);
    return;
  }
  if (path === '/v1/feedback') {
    if (method !== 'POST') return answer(response, { status: 405, body: { error: 'POST only' }, headers: { allow: 'POST' } });
    return answer(response, await handleFeedbackPost(request, options.feedback));
  }
  const known = ['/healthz', '/readyz', '/metrics'].includes(path);
  return answer(response, known ? { status: 405, body: { error: 'GET only' }, headers: { allow: 'GET, HEAD' } } : { status: 404, body: { error: 'not found' } });
}

/**
 * The HTTP endpoint of `ira serve` (node:http, no framework): GET /healthz (the process answers), GET /readyz
 * (Kafka, the store and the model reachable; 503 naming what is not), GET /metrics (Prometheus text) and
 * POST /v1/feedback (bearer token). Listens on IRA_HTTP_HOST:IRA_HTTP_PORT, loopback by default.
 */
export async function startHttpEndpoint(options: HttpEndpointOptions): Promise<HttpEndpoint> {
  const { logger } = options;
  const server: Server = createServer((request, response) => {
    route(request, response, options).catch((error: unknown) => {
      logger.warn('http-request-failed', { method: request.method, path: request.url?.split('?')[0], error: describeError(error) });
      if (!response.headersSent) answer(response, { status: 503, body: { error: describeError(error) } });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  logger.info('http-listening', { host: address.address, port: address.port, url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}` });
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
