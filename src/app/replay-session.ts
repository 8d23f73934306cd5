import { createLlm, type ClosableLlm } from '../adapters/llm/create-llm';
import { loadPromptSet } from '../adapters/prompts/load-prompts';
import { createDocumentStore } from '../adapters/store/create-document-store';
import { indexTemplates } from '../adapters/store/index-templates';
import { NdjsonStore } from '../adapters/store/ndjson-store';
import type { AlertSource } from '../core/ports/alert-source';
import type { Progress } from '../core/ports/progress';
import type { Config } from '../config';
import { AgentConfig, agentConfigFromSettings } from '../core/agent/agent-config';
import { withCalibratedGamma } from './calibration-file';
import { recommendationMode, type BudgetOverrides, type Features, type Method, type SessionSettings } from '../replay/replay-settings';
import type { AgentDeps } from '../core/agent/context';
import { runDirectStep } from '../core/agent/direct-step';
import { matchedSamples, plannerCallBudget, runSelfConsistencyStep } from '../core/agent/self-consistency-step';
import { runAgentStep } from '../core/agent/step';
import type { LlmPort } from '../core/ports/llm';
import { indexNames, type DocumentStore } from '../core/ports/store';
import type { Logger } from '../logger';
import type { ReplayBudget, ReplayReport } from '../report/model';
import { writeReport, type WrittenReport } from '../report/write-report';
import { seededRandom } from '../replay/rng';
import type { StepRunner } from '../replay/run-incident';
import { runReplay } from '../replay/run-replay';

export type { BudgetOverrides, Features, Method, SessionSettings } from '../replay/replay-settings';

/**
 * The composition root shared by `ira replay`, `ira demo` and `ira eval`: configuration → LLM adapter, prompts, agent
 * config, document store; then one replay and its report. Budget flags override the configured values.
 */

export function replayBudget(config: Config, overrides: BudgetOverrides): ReplayBudget {
  return {
    candidates: overrides.candidates ?? config.agent.candidates,
    rollouts: overrides.rollouts ?? config.agent.rollouts,
    depth: overrides.depth ?? config.agent.depth,
    maxSteps: overrides.maxSteps ?? config.replay.maxSteps,
    chunkSize: overrides.chunkSize ?? config.replay.chunkSize,
    maxLlmCallsPerStep: overrides.maxLlmCallsPerStep ?? config.agent.maxLlmCallsPerStep,
    stepTimeoutMs: config.agent.stepTimeoutMs,
  };
}

export function agentConfigFor(config: Config, budget: ReplayBudget, settings: Pick<SessionSettings, 'features' | 'seed' | 'budget'>): AgentConfig {
  const base = agentConfigFromSettings(
    {
      ...config.agent,
      candidates: budget.candidates,
      rollouts: budget.rollouts,
      depth: budget.depth,
      maxLlmCallsPerStep: budget.maxLlmCallsPerStep,
      evidenceChars: settings.budget.evidenceChars ?? config.agent.evidenceChars,
    },
    { ...config.llm, seed: settings.seed ?? config.llm.seed },
    settings.features === undefined ? {} : { features: settings.features },
  );
  return AgentConfig.parse(withCalibratedGamma(config, base));
}

/** How a replay's method reads in reports: the planner, the direct baseline, or the planner with parts off. */
export function methodLabel(method: Method, features?: Features): string {
  if (method === 'direct') return 'direct prompting (one action call per step, no planning)';
  if (method === 'self-consistency') return 'self-consistency (k action samples per step, majority vote, no planning)';
  const off = Object.entries(features ?? {}).filter(([, on]) => on === false).map(([name]) => name);
  return off.length === 0 ? 'planner (full agent step)' : `planner without ${off.join(', ')}`;
}

export function stepRunner(llm: LlmPort, config: AgentConfig, method: Method, now: () => number, samples?: number): StepRunner {
  const deps: AgentDeps = { llm, prompts: loadPromptSet(), now, random: seededRandom(config.seed) };
  if (method === 'self-consistency') {
    // Without a measured k, the planner's call budget per step less the baseline's own calls (docs/evaluation.md).
    const k = samples ?? matchedSamples(plannerCallBudget(config));
    return (state, input, signal, listeners) => runSelfConsistencyStep(state, input, { ...deps, ...listeners }, config, signal, k);
  }
  const step = method === 'direct' ? runDirectStep : runAgentStep;
  return (state, input, signal, listeners) => step(state, input, { ...deps, ...listeners }, config, signal);
}

export async function openStore(config: Config, settings: SessionSettings, logger: Logger, signal: AbortSignal): Promise<{ store: DocumentStore; label: string }> {
  if (!settings.toElasticsearch) {
    return { store: await NdjsonStore.open({ directory: settings.outDir }), label: `NDJSON files in ${settings.outDir}` };
  }
  const store = createDocumentStore(config.store, logger);
  await store.ensureTemplates(indexTemplates(config.store.indexPrefix), signal);
  return { store, label: `${config.store.flavor} ${config.store.node}, indices ${config.store.indexPrefix}-*` };
}

export interface SessionResult {
  readonly report: ReplayReport;
  readonly written: WrittenReport;
}

/** What every replay of this session takes from the configuration, whatever runs after triage. */
function sharedReplayOptions(
  config: Config,
  source: AlertSource,
  store: DocumentStore,
  label: string,
  io: { readonly progress: Progress; readonly logger: Logger },
) {
  return {
    source,
    store,
    indices: indexNames(config.store.indexPrefix),
    triage: config.triage.options,
    triageBatchSize: config.triage.batchSize,
    contextChars: config.replay.contextChars,
    output: label,
    now: () => new Date(),
    progress: io.progress,
    logger: io.logger,
  };
}

export async function runSession(
  config: Config,
  source: AlertSource,
  settings: SessionSettings,
  io: { readonly progress: Progress; readonly logger: Logger; readonly signal: AbortSignal; readonly llm?: ClosableLlm },
): Promise<SessionResult> {
  const budget = replayBudget(config, settings.budget);
  const agentConfig = agentConfigFor(config, budget, settings);
  const llm = io.llm ?? (await createLlm(config.llm, { logger: io.logger, signal: io.signal }));
  const { store, label } = await openStore(config, settings, io.logger, io.signal);
  try {
    const report = await runReplay(
      {
        ...sharedReplayOptions(config, source, store, label, io),
        runner: stepRunner(llm, agentConfig, settings.method, () => Date.now(), settings.samples),
        ...(settings.stopRule === undefined ? {} : { stopRule: settings.stopRule }),
        model: llm.model,
        provider: config.llm.provider,
        method: methodLabel(settings.method, settings.features),
        mode: recommendationMode(settings.method),
        budget,
        maxIncidents: settings.maxIncidents ?? config.replay.maxIncidents,
      },
      io.signal,
    );
    return { report, written: await writeReport(report, settings.outDir) };
  } finally {
    await store.close();
    if (io.llm === undefined) await llm.close();
  }
}

/**
 * `ira replay --triage-only`: normalisation and triage with no model (nothing is loaded or pulled), the alert and
 * incident documents written through the same store, and the report: for hostile-input checks and for users who want
 * triage alone.
 */
export async function runTriageOnly(
  config: Config,
  source: AlertSource,
  settings: Pick<SessionSettings, 'outDir' | 'toElasticsearch' | 'budget'>,
  io: { readonly progress: Progress; readonly logger: Logger; readonly signal: AbortSignal },
): Promise<SessionResult> {
  const { store, label } = await openStore(config, { ...settings, method: 'planner' }, io.logger, io.signal);
  try {
    const report = await runReplay(
      {
        ...sharedReplayOptions(config, source, store, label, io),
        model: 'none',
        provider: 'none',
        method: 'triage only (no agent)',
        budget: replayBudget(config, settings.budget),
        maxIncidents: 0,
      },
      io.signal,
    );
    return { report, written: await writeReport(report, settings.outDir) };
  } finally {
    await store.close();
  }
}
