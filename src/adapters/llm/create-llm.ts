import type { Config } from '../../config';
import type { LlmPort } from '../../core/ports/llm';
import type { Logger } from '../../logger';
import { resolveModelPath } from '../model/resolve-model-path';
import { createEmbeddedLlm } from './embedded-llm';
import { createOllamaLlm } from './ollama-llm';

/** The configured LLM adapter, for composition roots. `close()` frees an embedded model; a no-op for Ollama. */
export interface ClosableLlm extends LlmPort {
  close(): Promise<void>;
}

export interface CreateLlmOptions {
  readonly logger?: Logger;
  /** Embedded only: run scripts/fetch-model.sh when no model is on disk. */
  readonly fetchIfMissing?: boolean;
  readonly signal?: AbortSignal;
}

export async function createLlm(config: Config['llm'], options: CreateLlmOptions = {}): Promise<ClosableLlm> {
  if (config.provider === 'ollama') {
    const ollama = createOllamaLlm(config, options.logger, config.threads === undefined ? {} : { threads: config.threads });
    return { model: ollama.model, complete: (request) => ollama.complete(request), close: () => Promise.resolve() };
  }
  const resolved = await resolveModelPath(config.embedded, {
    ...(options.fetchIfMissing === undefined ? {} : { fetchIfMissing: options.fetchIfMissing }),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  options.logger?.info('embedded model selected', { path: resolved.path, source: resolved.source });
  return createEmbeddedLlm(config, resolved.path, options.logger);
}
