import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createLlm } from '../adapters/llm/create-llm';
import { loadPromptSet } from '../adapters/prompts/load-prompts';
import { fileSource } from '../adapters/sources/file-source';
import type { Config } from '../config';
import { agentConfigFromSettings, type AgentConfig } from '../core/agent/agent-config';
import {
  CalibrationSituation,
  calibrate,
  labelAction,
  type CalibrationDecision,
  type CalibrationResult,
} from '../core/agent/calibration';
import { runAgentStep } from '../core/agent/step';
import { initialAgentState, type AgentState, type StepInput } from '../core/agent/types';
import type { LlmPort } from '../core/ports/llm';
import type { Logger } from '../logger';
import { prepareRecords } from '../replay/prepare';
import { seededRandom } from '../replay/rng';
import { groupByIncident, triageAll } from '../replay/triage-input';

/**
 * `ira calibrate` wired: the labelled situations (datasets/calibration/situations.jsonl) are each put to the
 * configured model as one agent step on the bundled incident's alerts, at the situation's recovery state and history;
 * each chosen action is labelled right or wrong by the situation's rule, its λ recorded, and γ computed by split
 * conformal prediction (core/agent/calibration.ts). The consistency guard is off during the run (γ = 0) so that every
 * decision shows its λ; the conjecture test is off (it does not touch λ, and it costs calls).
 */
export interface CalibrateRequest {
  readonly situations: string;
  readonly manifest: string;
  readonly profile: string;
  readonly alpha: number;
  readonly seeds: number;
  readonly limit?: number;
  readonly budget: { readonly candidates: number; readonly rollouts: number; readonly depth: number; readonly maxLlmCallsPerStep: number };
  /** Where the result (`<profile>.json`) and the decisions (`<profile>.decisions.jsonl`) are written. */
  readonly outDir: string;
}

export interface CalibrateIo {
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly say: (line: string) => void;
}

export interface CalibrateOutcome {
  readonly result: CalibrationResult;
  readonly resultPath: string;
  readonly decisionsPath: string;
  readonly decisions: readonly CalibrationDecision[];
}

interface CaseEvidence {
  readonly input: StepInput;
}

async function readSituations(path: string): Promise<CalibrationSituation[]> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  return lines.map((line, index) => {
    const parsed = CalibrationSituation.safeParse(JSON.parse(line));
    if (!parsed.success) throw new RangeError(`${path}:${index + 1}: ${parsed.error.message}`);
    return parsed.data;
  });
}

async function caseFolders(manifest: string): Promise<Map<string, string>> {
  const parsed = JSON.parse(await readFile(manifest, 'utf8')) as { cases?: { id?: unknown; folder?: unknown }[] };
  const folders = new Map<string, string>();
  for (const item of parsed.cases ?? []) {
    if (typeof item.id === 'string' && typeof item.folder === 'string') folders.set(item.id, join(dirname(manifest), item.folder));
  }
  return folders;
}

/** The case's largest incident after triage, as one step's input (all its alerts, the system, triage's view). */
async function caseEvidence(config: Config, folder: string, signal: AbortSignal): Promise<CaseEvidence> {
  const input = await fileSource(folder).read(signal);
  const prepared = prepareRecords(input.records, { caseId: `calibrate:${input.name}` });
  const { triaged, incidents } = triageAll(prepared.alerts, config.triage.options, config.triage.batchSize);
  const largest = groupByIncident(triaged, incidents).sort((a, b) => b.alerts.length - a.alerts.length)[0];
  if (largest === undefined) throw new RangeError(`${folder}: no incident after triage`);
  return {
    input: {
      alerts: largest.alerts,
      ...(input.systemDescription === undefined ? {} : { systemDescription: input.systemDescription }),
      triage: { score: largest.incident.score, tactics: largest.incident.tactics },
    },
  };
}

function startState(situation: CalibrationSituation): AgentState {
  return {
    ...initialAgentState(`calibrate:${situation.id}`),
    step: situation.history.length,
    recoveryState: situation.state,
    history: situation.history.map((action, step) => ({ step, action, outcome: 'executed' as const })),
  };
}

async function decide(llm: LlmPort, config: AgentConfig, situation: CalibrationSituation, evidence: CaseEvidence, signal: AbortSignal): Promise<CalibrationDecision> {
  const deps = { llm, prompts: loadPromptSet(), now: () => Date.now(), random: seededRandom(config.seed) };
  const outcome = await runAgentStep(startState(situation), evidence.input, deps, config, signal);
  const { decision, candidates, consistency } = outcome.recommendation;
  const base = { situation: situation.id, seed: config.seed, depth: config.depth, lambda: consistency };
  if (decision.kind === 'abstain') return { ...base, decision: `abstain:${decision.code}`, action: null, rollouts: [], right: null, label: decision.reason.slice(0, 300) };
  const chosen = candidates.find((item) => item.action === decision.action) ?? candidates.find((item) => JSON.stringify(item.action) === JSON.stringify(decision.action));
  const { right, label } = labelAction(decision.action, situation);
  return { ...base, decision: 'act', action: { kind: decision.action.kind, targets: decision.action.targets }, rollouts: chosen?.rollouts ?? [], right, label };
}

export async function runCalibration(config: Config, request: CalibrateRequest, io: CalibrateIo): Promise<CalibrateOutcome> {
  const situations = (await readSituations(request.situations)).slice(0, request.limit);
  const folders = await caseFolders(request.manifest);
  const evidence = new Map<string, CaseEvidence>();
  for (const id of new Set(situations.map((item) => item.case))) {
    const folder = folders.get(id);
    if (folder === undefined) throw new RangeError(`case ${id} is not in ${request.manifest}`);
    evidence.set(id, await caseEvidence(config, folder, io.signal));
  }
  const llm = await createLlm(config.llm, { logger: io.logger, signal: io.signal });
  const decisions: CalibrationDecision[] = [];
  try {
    for (let offset = 0; offset < request.seeds; offset++) {
      const seed = config.llm.seed + offset;
      const agentConfig = agentConfigFromSettings(
        { ...config.agent, ...request.budget },
        { ...config.llm, seed },
        { consistencyGamma: 0, features: { conjectureTest: false } },
      );
      for (const situation of situations) {
        const caseInput = evidence.get(situation.case);
        if (caseInput === undefined) continue;
        const started = Date.now();
        const made = await decide(llm, agentConfig, situation, caseInput, io.signal);
        decisions.push(made);
        const what = made.action === null ? made.decision : `${made.action.kind} ${made.action.targets.join(',')} → ${made.right === true ? 'right' : 'wrong'}`;
        io.say(`  ${situation.id} seed ${seed}: ${what}, λ=${made.lambda?.toFixed(3) ?? '—'} (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    }
  } finally {
    await llm.close();
  }
  const result = calibrate(decisions, { profile: request.profile, model: llm.model, alpha: request.alpha, beta: config.agent.consistencyBeta, createdAt: new Date().toISOString() });
  await mkdir(request.outDir, { recursive: true });
  const resultPath = join(request.outDir, `${request.profile}.json`);
  const decisionsPath = join(request.outDir, `${request.profile}.decisions.jsonl`);
  await writeFile(decisionsPath, decisions.map((item) => JSON.stringify(item)).join('\n') + '\n');
  await writeFile(resultPath, `${JSON.stringify(result, null, 2)}\n`);
  return { result, resultPath, decisionsPath, decisions };
}
