import { createLlm, type ClosableLlm } from '../adapters/llm/create-llm';
import { fileSource } from '../adapters/sources/file-source';
import type { Config } from '../config';
import type { Progress } from '../core/ports/progress';
import { loadDataset } from '../eval/load-dataset';
import { isPolicy, runEval, T_MAX, type EvalMethod, type EvalRun, type ReplayCase } from '../eval/run-eval';
import { writeResults, type WrittenResults } from '../eval/write-results';
import type { Logger } from '../logger';
import type { BudgetOverrides } from '../replay/replay-settings';
import { replayBudget, runSession } from './replay-session';

export { EvalMethods, T_MAX, type EvalMethod } from '../eval/run-eval';

export interface EvaluationRequest {
  readonly dataset: string;
  /** Case ids to keep; all when undefined. */
  readonly cases?: readonly string[];
  readonly methods: readonly EvalMethod[];
  readonly seedCount: number;
  /** The preset's values with the flags over them; maxSteps absent = T_max. */
  readonly budget: BudgetOverrides;
  readonly budgetName: string;
  readonly judge: 'rules' | 'llm';
  readonly outDir: string;
}

export interface EvaluationResult {
  readonly runs: readonly EvalRun[];
  readonly planned: number;
  readonly written: WrittenResults;
  readonly model: string;
}

type Io = { readonly progress: Progress; readonly logger: Logger; readonly signal: AbortSignal; readonly say: (line: string) => void };

/**
 * The judge model: its own setting (IRA_EVAL_JUDGE_MODEL, an Ollama tag or a GGUF path), never the agent's model,
 * with its own answer budget and context size.
 */
async function openJudge(config: Config, agentModel: string | undefined, io: Io): Promise<ClosableLlm> {
  const judge = config.evalJudge;
  if (judge.model === undefined) throw new RangeError('--judge llm needs IRA_EVAL_JUDGE_MODEL (a model other than the agent\'s)');
  const provider = judge.provider ?? config.llm.provider;
  const llmConfig = {
    ...config.llm,
    provider,
    contextSize: judge.contextSize,
    ...(provider === 'ollama' ? { ollama: { ...config.llm.ollama, model: judge.model } } : { embedded: { ...config.llm.embedded, modelPath: judge.model } }),
  };
  const llm = await createLlm(llmConfig, { logger: io.logger, signal: io.signal });
  if (llm.model === agentModel) {
    await llm.close();
    throw new RangeError(`the judge model ${llm.model} is the agent's own model; set IRA_EVAL_JUDGE_MODEL to another`);
  }
  return llm;
}

/** `ira eval` wired: model methods replay each case with the same session as `ira replay`; policies need no model. */
export async function runEvaluation(config: Config, request: EvaluationRequest, io: Io): Promise<EvaluationResult> {
  const startedAt = new Date();
  const wanted = request.cases;
  const cases = (await loadDataset(request.dataset)).filter((item) => wanted === undefined || wanted.includes(item.id));
  if (cases.length === 0) throw new RangeError(`no case of ${request.dataset} matches ${wanted?.join(',') ?? ''}`);
  const seeds = Array.from({ length: request.seedCount }, (_, index) => config.llm.seed + index);
  const { methods, outDir, judge } = request;
  const budget = { ...request.budget, maxSteps: request.budget.maxSteps ?? T_MAX };
  // Only model methods load a model: a run of known-answer policies works with none installed.
  const llm = methods.every(isPolicy) ? undefined : await createLlm(config.llm, { logger: io.logger, signal: io.signal });
  const closers: Array<() => Promise<void>> = llm === undefined ? [] : [() => llm.close()];
  try {
    const judgeLlm = judge === 'llm' ? await openJudge(config, llm?.model, io) : undefined;
    if (judgeLlm !== undefined) closers.push(() => judgeLlm.close());
    const model = llm?.model ?? 'none (known-answer policies)';
    io.say(`ira eval: ${cases.length} case(s) × ${methods.length} method(s) × ${seeds.length} seed(s) with ${model}, budget ${request.budgetName}, T_max ${budget.maxSteps}; results in ${outDir}`);
    const replay: ReplayCase = (folder, settings, replayIo) => runSession(config, fileSource(folder), settings, replayIo);
    const runs = await runEval(config, { cases, methods, seeds, budget, outDir, judge }, {
      replay,
      ...(llm === undefined ? {} : { llm }),
      ...(judgeLlm === undefined ? {} : { judgeLlm, judgeMaxTokens: config.evalJudge.maxTokens }),
      progress: io.progress,
      logger: io.logger,
      signal: io.signal,
    });
    const shown = replayBudget(config, budget);
    const written = await writeResults(
      outDir,
      {
        dataset: request.dataset,
        model,
        provider: llm === undefined ? 'none' : config.llm.provider,
        judge: judgeLlm === undefined ? judge : `llm (${judgeLlm.model})`,
        methods,
        seeds,
        budgetName: request.budgetName,
        budget: { candidates: shown.candidates, rollouts: shown.rollouts, depth: shown.depth, maxSteps: shown.maxSteps, chunkSize: shown.chunkSize, maxLlmCallsPerStep: shown.maxLlmCallsPerStep },
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
      },
      cases,
      runs,
    );
    return { runs, planned: cases.length * methods.length * seeds.length, written, model };
  } finally {
    for (const close of closers) await close();
  }
}
