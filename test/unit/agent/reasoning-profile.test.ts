import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { isEvidenceFile, readAlertFile } from '../../../src/adapters/sources/file-source';
import { ActionAnswer, IncidentAnswer, RevisionAnswer, SignatureAnswer, StateAnswer } from '../../../src/core/agent/answers';
import { ask } from '../../../src/core/agent/ask-model';
import { beginStep } from '../../../src/core/agent/build-step-context';
import { messagesFor } from '../../../src/core/agent/context';
import { fitEvidence } from '../../../src/core/agent/prompt-fit';
import { historyData, stateText } from '../../../src/core/agent/prompt-values';
import { initialRecoveryState } from '../../../src/core/agent/recovery-state';
import { runAgentStep } from '../../../src/core/agent/step';
import { initialAgentState, type StepInput } from '../../../src/core/agent/types';
import { JudgeAnswer } from '../../../src/core/eval/llm-judge';
import { planCall } from '../../../src/core/llm/call-budget';
import { toJsonSchema } from '../../../src/core/llm/json-schema';
import { LlmProfiles, roleOf, type LlmRole } from '../../../src/core/llm/profiles';
import type { LlmPurpose } from '../../../src/core/ports/llm';
import { prepareRecords } from '../../../src/replay/prepare';
import { ReasoningLlm } from '../../doubles/reasoning-llm';
import { act, makeConfig, prompts, seededRandom, world } from './support/world';
import { answerTokens, worstCase } from './support/worst-case';

/**
 * Issue 8's proof for the production model: a reasoning double that thinks 1,500 tokens before each answer, on the
 * largest bundled incident, under the deepseek-r1 profile. No answer of any role is cut and no prompt exceeds the
 * context its call asked for.
 */
const datasets = join(__dirname, '../../../datasets');
const thinking = 1500;

interface Incident {
  readonly id: string;
  readonly input: StepInput;
}

async function largestBundledIncident(): Promise<Incident> {
  const manifest = JSON.parse(readFileSync(join(datasets, 'bundled.json'), 'utf8')) as { cases: Array<{ id: string; folder: string }> };
  let largest: Incident | undefined;
  for (const item of manifest.cases) {
    const folder = join(datasets, item.folder);
    const files = readdirSync(folder).filter(isEvidenceFile).sort();
    const records = (await Promise.all(files.map((name) => readAlertFile(join(folder, name))))).flat();
    const alerts = prepareRecords(records).alerts;
    if (largest === undefined || alerts.length > largest.input.alerts.length) {
      largest = { id: item.id, input: { alerts, systemDescription: readFileSync(join(folder, 'system.txt'), 'utf8') } };
    }
  }
  if (largest === undefined) throw new Error('no bundled case');
  return largest;
}

const revision = { reasoning: 'the alerts show credential access', tactics: ['Initial Access' as const, 'Credential Access' as const], techniques: ['T1110'] };
const r1 = () => makeConfig({ profile: 'deepseek-r1' });
const signal = () => new AbortController().signal;
const deps = (llm: ReasoningLlm) => ({ llm, prompts, now: () => 1_700_000_000_000, random: seededRandom() });

const schemaOf: Readonly<Record<Exclude<LlmPurpose, 'judge' | 'direct-plan'>, z.ZodType>> = {
  perceive: IncidentAnswer,
  'generate-action': ActionAnswer,
  'predict-state': StateAnswer,
  'conjecture-test': SignatureAnswer,
  'conjecture-revise': RevisionAnswer,
};

let incident: Incident;
beforeAll(async () => {
  incident = await largestBundledIncident();
});

/** Candidates naming the incident's own hosts and addresses, so the entity guard lets them through to the rollouts. */
function incidentCandidates() {
  const host = incident.input.alerts.map((alert) => alert.host.name).find((name) => name !== undefined) ?? 'unknown';
  const address = incident.input.alerts.map((alert) => alert.source.ip).find((ip) => ip !== undefined) ?? 'unknown';
  const one = [
    act('block-ip', [address], `Block ${address} at the perimeter firewall.`),
    act('isolate-host', [host], `Move ${host} to the quarantine VLAN.`),
    act('collect-forensics', [host], `Image disk and memory of ${host}.`),
  ];
  return Array.from({ length: 20 }, () => one).flat();
}

describe('deepseek-r1 profile with a model that thinks 1,500 tokens', () => {
  it('uses the bundled case with the most alerts', () => {
    expect(incident.input.alerts.length).toBeGreaterThan(400);
  });

  it.each(Object.entries(schemaOf))('asks %s with a budget that holds the thinking and the worst-case answer', async (purpose, schema) => {
    const llm = new ReasoningLlm(() => worstCase(toJsonSchema(schema)), thinking);
    const { context: begun } = beginStep(initialAgentState('inc-r1'), incident.input, deps(llm), r1(), signal());
    const context = fitEvidence(begun);
    const messages = messagesFor(context, 'incident-analysis', { state: stateText(initialRecoveryState), history: historyData([], 20) });
    const answer = await ask(context, { purpose: purpose as LlmPurpose, messages, schema, temperature: 0, maxTokens: 1, seedKey: purpose });
    expect(answer.ok).toBe(true);
    expect(llm.violations).toEqual([]);
    expect(llm.calls).toHaveLength(1);
  });

  it('gives the judge role the same room', () => {
    const profile = LlmProfiles['deepseek-r1'];
    const worst = answerTokens(worstCase(toJsonSchema(JudgeAnswer)));
    const planned = planCall({ profile, contextWindow: profile.contextWindow }, 'judge', 4000, profile.answerTokens.judge, profile.thinkingTokens);
    expect(planned.ok && planned.budget.maxTokens).toBeGreaterThanOrEqual(thinking + worst);
  });

  it('runs a whole step of the largest incident: no answer cut, no prompt beyond its context, instructions in the user turn', async () => {
    const handler = world({ candidates: incidentCandidates(), revision });
    const llm = new ReasoningLlm((request) => handler(request, 0), thinking);
    const outcome = await runAgentStep(initialAgentState('inc-r1-step'), incident.input, deps(llm), r1(), signal());
    expect(llm.violations).toEqual([]);
    const roles = new Set<LlmRole>(llm.calls.map((call) => roleOf(call.purpose)));
    expect([...roles].sort()).toEqual(expect.arrayContaining(['action', 'analysis', 'conjecture-test', 'state']));
    for (const call of llm.calls) {
      expect(call.truncated).toBe(false);
      expect(call.promptTokens + call.maxTokens).toBeLessThanOrEqual(call.contextSize ?? 0);
      expect(call.maxTokens).toBeGreaterThanOrEqual(thinking);
    }
    expect(outcome.recommendation.usage.llmCalls).toBe(llm.calls.length);
    expect(outcome.recommendation.usage.completionTokens).toBeGreaterThanOrEqual(thinking * llm.calls.length);
  });

  it('is cut under the smollm2 profile (no thinking budget), then asked again with twice the budget', async () => {
    const handler = world({ candidates: incidentCandidates(), revision });
    const llm = new ReasoningLlm((request) => handler(request, 0), thinking);
    const config = makeConfig({ profile: 'smollm2' });
    await runAgentStep(initialAgentState('inc-r1-small'), incident.input, deps(llm), config, signal());
    const [first, second] = llm.calls;
    expect(first).toMatchObject({ purpose: 'perceive', truncated: true, maxTokens: LlmProfiles.smollm2.answerTokens.analysis });
    expect(second).toMatchObject({ purpose: 'perceive', truncated: false, maxTokens: 2 * LlmProfiles.smollm2.answerTokens.analysis });
  });
});

describe('a prompt that does not fit', () => {
  it('shrinks the evidence digest to the window and says so in the recommendation', async () => {
    const handler = world({ candidates: incidentCandidates(), revision });
    const llm = new ReasoningLlm((request) => handler(request, 0), thinking);
    const config = makeConfig({ profile: 'deepseek-r1', contextSize: 8192, evidenceChars: 12000 });
    const outcome = await runAgentStep(initialAgentState('inc-small-window'), incident.input, deps(llm), config, signal());
    expect(llm.violations).toEqual([]);
    expect(outcome.recommendation.rationale).toMatch(/evidence digest shrunk from 12000 to \d+ characters to fit the 8192-token context of profile deepseek-r1/);
    expect(llm.calls.length).toBeGreaterThan(0);
  });

  it('is not sent when even the smallest evidence cannot make it fit', async () => {
    const llm = new ReasoningLlm(() => ({}), thinking);
    const config = makeConfig({ profile: 'deepseek-r1', contextSize: 4096 });
    const outcome = await runAgentStep(initialAgentState('inc-tiny-window'), incident.input, deps(llm), config, signal());
    expect(llm.calls).toHaveLength(0);
    expect(outcome.recommendation.decision.kind).toBe('abstain');
    expect(outcome.recommendation.rationale).toMatch(/not sent/);
  });
});
