import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The version in ira's package.json, found by walking up from this file: src/version.ts under ts-node,
 * dist/src/version.js after a build (the Dockerfile copies package.json beside dist/).
 */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  let folder = __dirname;
  for (let depth = 0; depth < 5; depth++) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      const parsed: unknown = JSON.parse(readFileSync(candidate, 'utf8'));
      if (parsed !== null && typeof parsed === 'object' && 'name' in parsed && parsed.name === 'ira' && 'version' in parsed) {
        cached = String(parsed.version);
        return cached;
      }
    }
    folder = dirname(folder);
  }
  cached = 'unknown';
  return cached;
}
