import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FeedbackMessage } from '../core/documents/feedback';
import { IraError } from '../errors';
import { completeFeedback } from './feedback';

/** What POST /v1/feedback answers: a status and a JSON body (never echoing the token). */
export interface HttpAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

export interface FeedbackEndpointOptions {
  /** IRA_HTTP_TOKEN; undefined = the endpoint is disabled (503). */
  readonly token: string | undefined;
  /** Whether the recommendation exists (the store, with a short timeout); undefined = could not tell. */
  readonly recommendationExists: (id: string) => Promise<boolean>;
  readonly send: (message: FeedbackMessage) => Promise<{ topic: string }>;
}

export const MAX_FEEDBACK_BODY_BYTES = 16 * 1024;

/** Equal-time comparison of the presented token with the configured one (digests, so lengths never leak). */
export function tokenMatches(presented: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function bearer(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FEEDBACK_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** POST /v1/feedback: bearer token, JSON body (docs/feedback.schema.json), produced to the feedback topic → 202. */
export async function handleFeedbackPost(request: IncomingMessage, options: FeedbackEndpointOptions): Promise<HttpAnswer> {
  if (options.token === undefined) {
    return { status: 503, body: { error: 'feedback endpoint disabled: set IRA_HTTP_TOKEN to enable POST /v1/feedback' } };
  }
  const presented = bearer(request);
  if (presented === undefined || !tokenMatches(presented, options.token)) {
    return { status: 401, body: { error: 'a valid bearer token is required (Authorization: Bearer <IRA_HTTP_TOKEN>)' }, headers: { 'www-authenticate': 'Bearer realm="ira"' } };
  }
  if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    return { status: 415, body: { error: 'content-type must be application/json' } };
  }
  const text = await readBody(request);
  if (text === undefined) return { status: 413, body: { error: `body larger than ${MAX_FEEDBACK_BODY_BYTES} bytes` } };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { status: 400, body: { error: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` } };
  }
  let message: FeedbackMessage;
  try {
    message = completeFeedback(json, 'http');
  } catch (error) {
    const issues = IraError.isInstance(error) ? error.details['issues'] : undefined;
    return { status: 400, body: { error: 'not an ira feedback message (docs/feedback.schema.json)', issues: issues ?? [] } };
  }
  if (!(await options.recommendationExists(message.recommendation_id))) {
    return { status: 404, body: { error: `no recommendation ${message.recommendation_id}` } };
  }
  const { topic } = await options.send(message);
  return { status: 202, body: { feedback_id: message.feedback_id, recommendation_id: message.recommendation_id, status: message.status, topic } };
}
