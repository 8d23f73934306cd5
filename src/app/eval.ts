import { createLlm } from '../adapters/llm/create-llm';
import { fileSource } from '../adapters/sources/file-source';
import type { Config } from '../config';
import type { Progress } from '../core/ports/progress';
import { loadDataset } from '../eval/load-dataset';
import { runEval, type EvalMethod, type EvalRun, type ReplayCase } from '../eval/run-eval';

export { EvalMethods, type EvalMethod } from '../eval/run-eval';
import { writeResults, type WrittenResults } from '../eval/write-results';
import type { Logger } from '../logger';
import type { BudgetOverrides } from '../replay/replay-settings';
import { replayBudget, runSession } from './replay-session';

export interface EvaluationRequest {
  readonly dataset: string;
  /** Case ids to keep; all when undefined. */
  readonly cases?: readonly string[];
  readonly methods: readonly EvalMethod[];
  readonly seedCount: number;
  readonly budget: BudgetOverrides;
  readonly judge: 'rules' | 'llm';
  readonly outDir: string;
}

export interface EvaluationResult {
  readonly runs: readonly EvalRun[];
  readonly planned: number;
  readonly written: WrittenResults;
  readonly model: string;
}

/** `ira eval` wired: every case is replayed by the same session as `ira replay`, into its own NDJSON folder. */
export async function runEvaluation(
  config: Config,
  request: EvaluationRequest,
  io: { readonly progress: Progress; readonly logger: Logger; readonly signal: AbortSignal; readonly say: (line: string) => void },
): Promise<EvaluationResult> {
  const startedAt = new Date();
  const wanted = request.cases;
  const cases = (await loadDataset(request.dataset)).filter((item) => wanted === undefined || wanted.includes(item.id));
  if (cases.length === 0) throw new RangeError(`no case of ${request.dataset} matches ${wanted?.join(',') ?? ''}`);
  const seeds = Array.from({ length: request.seedCount }, (_, index) => config.llm.seed + index);
  const llm = await createLlm(config.llm, { logger: io.logger, signal: io.signal });
  io.say(`ira eval: ${cases.length} case(s) × ${request.methods.length} method(s) × ${seeds.length} seed(s) with ${llm.model}; results in ${request.outDir}`);
  const replay: ReplayCase = (folder, settings, replayIo) => runSession(config, fileSource(folder), settings, replayIo);
  const { methods, budget, outDir, judge } = request;
  const runs = await runEval(config, { cases, methods, seeds, budget, outDir, judge }, { replay, llm, judgeLlm: llm, progress: io.progress, logger: io.logger, signal: io.signal }).finally(
    () => llm.close(),
  );
  const shown = replayBudget(config, budget);
  const written = await writeResults(
    outDir,
    {
      dataset: request.dataset,
      model: llm.model,
      provider: config.llm.provider,
      judge,
      methods,
      seeds,
      budget: { candidates: shown.candidates, rollouts: shown.rollouts, depth: shown.depth, maxSteps: shown.maxSteps, chunkSize: shown.chunkSize, maxLlmCallsPerStep: shown.maxLlmCallsPerStep },
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    },
    cases,
    runs,
  );
  return { runs, planned: cases.length * methods.length * seeds.length, written, model: llm.model };
}
