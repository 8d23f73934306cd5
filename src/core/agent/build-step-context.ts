import type { AgentConfig } from './agent-config';
import type { AgentDeps, StepContext, StepData } from './context';
import { prepareData } from './data-block';
import { collectEntities, evidenceItems } from './evidence';
import { StepMeter } from './step-meter';
import type { AgentState, AnalystFeedback, HistoryEntry, KnownEntities, StepInput } from './types';

/**
 * Folds the step's input into the state (system description, entities, analyst feedback on earlier actions) and
 * builds the step context: budgets, the encoded data blocks and what the entity guard may accept.
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

function stepData(config: AgentConfig, input: StepInput, system: string | null, entities: KnownEntities): StepData {
  const feedback = (input.feedback ?? []).map((item) => ({
    ...(item.step === undefined ? {} : { step: item.step }),
    ...(item.outcome === undefined ? {} : { outcome: item.outcome }),
    note: item.note,
  }));
  return {
    system: prepareData('SYSTEM', [system ?? 'No system description was given.'], config.systemChars, 'descriptions'),
    evidence: prepareData('EVIDENCE', evidenceItems(input.alerts), config.evidenceChars, 'alert groups'),
    feedback: prepareData('FEEDBACK', feedback, feedbackChars, 'notes'),
    entities: prepareData('ENTITIES', entityItems(entities), entityChars, 'entity lists'),
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
  const system = input.systemDescription ?? state.systemDescription;
  const entities = collectEntities(state.entities, input.alerts);
  const base: AgentState = {
    ...state,
    systemDescription: system,
    entities,
    history: applyFeedback(state.history, input.feedback ?? []),
  };
  const startedAt = deps.now();
  const context: StepContext = {
    deps,
    config,
    signal,
    meter: new StepMeter(config.budgets, deps.now, startedAt),
    startedAt,
    incidentId: state.incidentId,
    step: state.step,
    data: stepData(config, input, system, entities),
    guardEvidence: { entities, text: evidenceText(input) },
  };
  return { context, base };
}
