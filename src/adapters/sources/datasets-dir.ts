import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ErrorCodes, IraError } from '../../errors';

/** The repository's datasets/ folder, found by walking up from this file (works from src/ and from dist/src/). */
export function datasetsDir(start: string = __dirname): string {
  let directory = resolve(start);
  for (let level = 0; level < 8; level++) {
    if (existsSync(join(directory, 'datasets', 'bundled.json'))) return join(directory, 'datasets');
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  throw new IraError(ErrorCodes.configInvalid, `no datasets/ folder (with bundled.json) found above ${start}`);
}
