import type { AgentConfig } from './agent-config';
import type { AgentDeps, StepContext, StepData } from './context';
import { encodeDataLine, fitText, makeNonce, prepareData, type PreparedData } from './data-block';
import { collectEntities } from './evidence';
import { evidenceDigest, foldEvidence, observedOf } from './evidence-digest';
import { StepMeter } from './step-meter';
import type { AgentState, AnalystFeedback, HistoryEntry, KnownEntities, StepInput } from './types';

/**
 * Folds the step's input into the state (system description, entities, the evidence ledger of the whole incident,
 * analyst feedback on earlier actions, the incident's prompt nonce) and builds the step context: budgets, the
 * encoded data blocks (the evidence digest of the whole incident, not only the new alerts) and what the entity
 * guard may accept.
 */
const feedbackChars = 2000;
const entityChars = 2000;
const entityListCap = 60;
const noteChars = 300;

function applyFeedback(history: readonly HistoryEntry[], feedback: readonly AnalystFeedback[]): HistoryEntry[] {
  return history.map((entry) => {
    const about = feedback.filter((item) => item.step === entry.step && item.outcome !== undefined);
    const last = about[about.length - 1];
    if (last?.outcome === undefined) return entry;
    const note = last.note.slice(0, noteChars);
    return { ...entry, outcome: last.outcome, ...(note === '' ? {} : { note }) };
  });
}

function entityItems(entities: KnownEntities): unknown[] {
  return [
    { type: 'ip', values: entities.ips.slice(0, entityListCap) },
    { type: 'host', values: entities.hosts.slice(0, entityListCap) },
    { type: 'user', values: entities.users.slice(0, entityListCap) },
  ];
}

/**
 * The system description as one data line within `maxChars`: cut at a paragraph, line, sentence or word boundary
 * with "[… N more characters]" (data-block.ts `fitText`), shortened until its encoded line fits too.
 */
export function systemData(description: string, maxChars: number): PreparedData {
  let room = maxChars;
  let text = fitText(description, room);
  for (let tries = 0; tries < 8 && encodeDataLine(text).length + 1 > maxChars && room > 0; tries++) {
    room -= encodeDataLine(text).length + 1 - maxChars;
    text = fitText(description, Math.max(0, room));
  }
  return prepareData('SYSTEM', [text], maxChars, 'descriptions');
}

function stepData(config: AgentConfig, input: StepInput, base: AgentState): StepData {
  const feedback = (input.feedback ?? []).map((item) => ({
    ...(item.step === undefined ? {} : { step: item.step }),
    ...(item.outcome === undefined ? {} : { outcome: item.outcome }),
    note: item.note,
  }));
  return {
    system: systemData(base.systemDescription ?? 'No system description was given.', config.systemChars),
    evidence: evidenceDigest(base.evidence, base.step, config.evidenceChars),
    ledger: base.evidence,
    feedback: prepareData('FEEDBACK', feedback, feedbackChars, 'notes'),
    entities: prepareData('ENTITIES', entityItems(base.entities), entityChars, 'entity lists'),
  };
}

/** The free text a target name may also come from: the alerts only (see collectEntities). */
function evidenceText(input: StepInput): string {
  const parts: string[] = [];
  for (const alert of input.alerts) parts.push(alert.message, alert.rule.name ?? '', alert.host.name ?? '');
  return parts.join('\n').toLowerCase();
}

export function beginStep(
  state: AgentState,
  input: StepInput,
  deps: AgentDeps,
  config: AgentConfig,
  signal: AbortSignal,
): { context: StepContext; base: AgentState } {
  const entities = collectEntities(state.entities, input.alerts);
  const nonce = state.promptNonce ?? makeNonce(deps.random);
  const base: AgentState = {
    ...state,
    systemDescription: input.systemDescription ?? state.systemDescription,
    entities,
    evidence: foldEvidence(state.evidence, input.alerts, state.step),
    promptNonce: nonce,
    history: applyFeedback(state.history, input.feedback ?? []),
  };
  const startedAt = deps.now();
  const context: StepContext = {
    deps,
    config,
    signal,
    meter: new StepMeter(config.budgets, deps.now, startedAt, 1, deps.onUsage),
    startedAt,
    incidentId: state.incidentId,
    step: state.step,
    data: stepData(config, input, base),
    nonce,
    observed: observedOf(base.evidence),
    guardEvidence: { entities, text: evidenceText(input) },
  };
  return { context, base };
}

/**
 * The same context with the evidence digest re-rendered within `maxChars`, for a caller whose prompt does not fit
 * its context window: everything else (nonce, budgets, meter) is shared, so the prompts stay comparable.
 */
export function withEvidenceBudget(context: StepContext, maxChars: number): StepContext {
  return { ...context, data: { ...context.data, evidence: evidenceDigest(context.data.ledger, context.step, maxChars) } };
}
