import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { linkDeadline } from '../../deadline';
import { ErrorCodes, IraError } from '../../errors';
import type { ExpectedFile } from './file-digest';

export interface DownloadOptions {
  readonly signal: AbortSignal;
  /** How long to wait for the response headers: an unreachable host must fail fast, not after the OS timeout. */
  readonly connectTimeoutMs: number;
  readonly fetch?: typeof fetch;
}

/**
 * Downloads `url` to `dest` through a `.partial` file, hashing while writing; the file appears under its final name
 * only when size and sha256 match. Any failure removes the partial file and throws `modelUnavailable`.
 */
export async function downloadVerified(url: string, dest: string, expected: ExpectedFile, options: DownloadOptions): Promise<void> {
  const partial = `${dest}.partial`;
  await mkdir(dirname(dest), { recursive: true });
  try {
    const response = await fetchWithConnectTimeout(url, options);
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    const body = Readable.fromWeb(response.body);
    await pipeline(body, meter, createWriteStream(partial), { signal: options.signal });
    const digest = hash.digest('hex');
    if (bytes !== expected.sizeBytes) throw new Error(`got ${bytes} bytes, expected ${expected.sizeBytes}`);
    if (digest !== expected.sha256) throw new Error(`sha256 ${digest}, expected ${expected.sha256}`);
    await rename(partial, dest);
  } catch (error) {
    await rm(partial, { force: true });
    if (options.signal.aborted) throw new IraError(ErrorCodes.aborted, `download of ${url} aborted`, { cause: error });
    throw new IraError(ErrorCodes.modelUnavailable, `download of ${url} failed: ${describe(error)}`, { cause: error });
  }
}

async function fetchWithConnectTimeout(url: string, options: DownloadOptions): Promise<Response> {
  const deadline = linkDeadline(options.signal, options.connectTimeoutMs, () => new Error(`no answer within ${options.connectTimeoutMs} ms`));
  try {
    return await (options.fetch ?? fetch)(url, { signal: deadline.signal, redirect: 'follow' });
  } finally {
    // Headers arrived (or failed): from here on the pipeline's own signal stops the body.
    deadline.dispose();
  }
}

/** fetch hides the reason (DNS, refused) in `cause`; surface it so the user sees why. */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const record = current as { message?: unknown; code?: unknown; cause?: unknown };
    if (typeof record.message === 'string') parts.push(record.message);
    if (typeof record.code === 'string') parts.push(record.code);
    current = record.cause;
  }
  return parts.length > 0 ? [...new Set(parts)].join(': ') : String(error);
}
