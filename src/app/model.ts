/** `ira model`: the embedded model's files, wired for the CLI. */
export { pullModel } from '../adapters/model/pull-model';
export { resolveModelPath } from '../adapters/model/resolve-model-path';
