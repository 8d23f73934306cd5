import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** What a model file must be: checked by size first (cheap), then by sha256 (reads the whole file). */
export interface ExpectedFile {
  readonly sizeBytes: number;
  readonly sha256: string;
}

export async function sha256OfFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function sizeOfFile(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/** Undefined when the file is exactly the expected one; otherwise why not. */
export async function checkFile(path: string, expected: ExpectedFile, signal?: AbortSignal): Promise<string | undefined> {
  const size = await sizeOfFile(path);
  if (size === undefined) return `${path} does not exist`;
  if (size !== expected.sizeBytes) return `${path} has ${size} bytes, expected ${expected.sizeBytes}`;
  const digest = await sha256OfFile(path, signal);
  return digest === expected.sha256 ? undefined : `${path} has sha256 ${digest}, expected ${expected.sha256}`;
}
