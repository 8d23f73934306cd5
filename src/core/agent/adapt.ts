import { RevisionAnswer, type IncidentAnswer } from './answers';
import { ask, type AskResult } from './ask-model';
import { aggregate, expectedUnion, passes, testTactics } from './conjecture-test';
import { messagesFor, type StepContext } from './context';
import { prepareData } from './data-block';
import { conjectureText, incidentData } from './prompt-values';
import { missingFields, type RecoveryState } from './recovery-state';
import { precisionRecall } from './signatures';
import { canonicalTactics, sameTactics } from './tactics';
import type { Adaptation, Conjecture, ConjectureRevision, EntitySets, Prediction, TacticTest } from './types';

/**
 * In-context adaptation (digest §3.5): compare the last prediction with what is observed now, test the conjecture
 * against the observed signatures and, when it fails, ask for a revised one, test that, and record why it changed.
 * Nothing is retrained; only the conjecture in the prompt context changes.
 */
export interface AdaptInput {
  readonly conjecture: Conjecture | null;
  readonly perceived: IncidentAnswer | null;
  readonly description: string;
  readonly observed: ReadonlySet<string>;
  /** The stages this step's analysis sees as done (before merging); null when nothing was perceived. */
  readonly observedState: RecoveryState | null;
  readonly lastPrediction: Prediction | null;
}

export interface AdaptResult {
  readonly conjecture: Conjecture | null;
  readonly revisions: ConjectureRevision[];
  readonly adaptation: Adaptation;
  readonly notes: string[];
}

const entityCap = 50;
const noEntities: EntitySets = { attackers: [], systems: [], targets: [] };
const observedChars = 2000;

function mergeEntities(base: EntitySets, extra: IncidentAnswer['entities'] | undefined): EntitySets {
  if (extra === undefined) return base;
  const merge = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].slice(0, entityCap);
  return {
    attackers: merge(base.attackers, extra.attackers),
    systems: merge(base.systems, extra.systems),
    targets: merge(base.targets, extra.targets),
  };
}

function fromPerception(perceived: IncidentAnswer | null, step: number): Conjecture | null {
  if (perceived === null || perceived.tactics.length === 0) return null;
  return {
    version: 1,
    tactics: canonicalTactics(perceived.tactics),
    techniques: [...new Set(perceived.techniques)],
    entities: mergeEntities(noEntities, perceived.entities),
    confidence: 0,
    basis: { source: 'incident-analysis', step, tests: [] },
  };
}

function compare(input: AdaptInput): Adaptation {
  const last = input.lastPrediction;
  const signatures =
    last === null || input.observed.size === 0 || last.expectedSignatures.length === 0
      ? null
      : precisionRecall(last.expectedSignatures, input.observed);
  return {
    stateMismatch: last === null || input.observedState === null ? [] : missingFields(last.state, input.observedState),
    signaturePrecision: signatures?.precision ?? null,
    signatureRecall: signatures?.recall ?? null,
    conjectureTested: false,
    conjectureRevised: false,
  };
}

function withTests(context: StepContext, conjecture: Conjecture, tests: TacticTest[], observed: ReadonlySet<string>): Conjecture {
  return { ...conjecture, confidence: aggregate(tests, observed).precision, basis: { ...conjecture.basis, step: context.step, tests } };
}

function revisionDocument(
  context: StepContext,
  before: Conjecture | null,
  after: Conjecture,
  reason: string,
  observed: ReadonlySet<string>,
): ConjectureRevision {
  const measured = aggregate(after.basis.tests, observed);
  return {
    incidentId: context.incidentId,
    step: context.step,
    version: after.version,
    previousVersion: before?.version ?? null,
    tacticsBefore: before?.tactics ?? [],
    tacticsAfter: after.tactics,
    techniquesAfter: after.techniques,
    reason,
    precision: measured.precision,
    recall: measured.recall,
    passed: passes(after.basis.tests),
    tests: after.basis.tests,
    observedSignatures: [...observed].slice(0, 100),
    createdAt: new Date(context.deps.now()).toISOString(),
  };
}

function failureSummary(tests: readonly TacticTest[], threshold: number): string {
  const rejected = tests.filter((test) => test.status === 'rejected');
  if (tests.length === 0) return 'no tactic was conjectured';
  if (rejected.length === 0) return 'no tactic could be tested';
  const list = rejected.map((test) => `${test.tactic} (precision ${test.precision.toFixed(2)})`).join(', ');
  return `${list} below the precision threshold ${threshold}`;
}

async function askRevision(
  context: StepContext,
  conjecture: Conjecture | null,
  tests: readonly TacticTest[],
  input: AdaptInput,
): Promise<AskResult<RevisionAnswer>> {
  const failed = tests.filter((test) => test.status !== 'accepted');
  const failedText =
    failed.length === 0
      ? 'No tactics were conjectured yet.'
      : failed.map((test) => `- ${test.tactic}: expected ${JSON.stringify(test.expected)}, precision ${test.precision.toFixed(2)}`).join('\n');
  const messages = messagesFor(context, 'conjecture-revision', {
    incident: incidentData(input.description),
    conjecture: conjectureText(conjecture),
    failed: failedText,
    observed: prepareData('OBSERVED', [...input.observed], observedChars, 'signatures'),
  });
  return ask(context, {
    purpose: 'conjecture-revise',
    messages,
    schema: RevisionAnswer,
    temperature: 0,
    maxTokens: context.config.maxTokens,
    seedKey: 'conjecture-revise',
  });
}

interface Tested {
  readonly base: Conjecture | null;
  readonly tests: TacticTest[];
}

/** Revises a failing conjecture; returns the new version, or null when the revision changed nothing usable. */
async function revise(
  context: StepContext,
  tested: Tested,
  input: AdaptInput,
  notes: string[],
): Promise<{ conjecture: Conjecture; reason: string } | null> {
  const answer = await askRevision(context, tested.base, tested.tests, input);
  if (!answer.ok) {
    notes.push(`conjecture revision not available (${answer.message})`);
    return null;
  }
  const proposed = canonicalTactics(answer.value.tactics);
  const tests = await testTactics(context, proposed, input.observed, tested.tests);
  const accepted = tests.filter((test) => test.status === 'accepted').map((test) => test.tactic);
  const tactics = accepted.length > 0 ? accepted : proposed;
  if (tested.base !== null && sameTactics(tactics, tested.base.tactics)) {
    notes.push('the revision proposed the same tactics; conjecture kept');
    return null;
  }
  const conjecture = withTests(
    context,
    {
      version: (tested.base?.version ?? 0) + 1,
      tactics,
      techniques: [...new Set(answer.value.techniques)],
      entities: tested.base?.entities ?? mergeEntities(noEntities, input.perceived?.entities),
      confidence: 0,
      basis: { source: 'revision', step: context.step, tests: [] },
    },
    tests.filter((test) => tactics.includes(test.tactic)),
    input.observed,
  );
  const reason = `${failureSummary(tested.tests, context.config.precisionThreshold)}; revised: ${answer.value.reasoning}`;
  return { conjecture, reason };
}

function prepare(context: StepContext, input: AdaptInput): { base: Conjecture | null; isNew: boolean } {
  if (input.conjecture === null) return { base: fromPerception(input.perceived, context.step), isNew: true };
  return { base: { ...input.conjecture, entities: mergeEntities(input.conjecture.entities, input.perceived?.entities) }, isNew: false };
}

export async function adapt(context: StepContext, input: AdaptInput): Promise<AdaptResult> {
  const adaptation = compare(input);
  const notes: string[] = [];
  const { base, isNew } = prepare(context, input);
  // The first conjecture of an incident gets a document too, so analysts see where the history starts.
  const initialDocument = (conjecture: Conjecture | null, verdict: string): ConjectureRevision[] =>
    isNew && conjecture !== null
      ? [revisionDocument(context, null, conjecture, `initial conjecture from the incident analysis; ${verdict}`, input.observed)]
      : [];
  if (!context.config.features.conjectureTest || input.observed.size === 0) {
    if (input.observed.size === 0) notes.push('conjecture not tested: no alert signatures observed in this incident so far');
    return { conjecture: base, revisions: initialDocument(base, 'untested'), adaptation, notes };
  }
  const tests = base === null ? [] : await testTactics(context, base.tactics, input.observed, base.basis.tests);
  const current = base === null ? null : withTests(context, base, tests, input.observed);
  const passed = current !== null && passes(tests);
  const kept: AdaptResult = {
    conjecture: current,
    revisions: initialDocument(current, passed ? 'passed its test' : failureSummary(tests, context.config.precisionThreshold)),
    adaptation: { ...adaptation, conjectureTested: current !== null },
    notes,
  };
  if (passed || !context.config.features.adaptation) return kept;
  const revised = await revise(context, { base: current, tests }, input, notes);
  if (revised === null) return kept;
  return {
    conjecture: revised.conjecture,
    revisions: [...kept.revisions, revisionDocument(context, current, revised.conjecture, revised.reason, input.observed)],
    adaptation: { ...kept.adaptation, conjectureTested: true, conjectureRevised: true },
    notes,
  };
}

export function expectedSignaturesOf(conjecture: Conjecture | null): string[] {
  return conjecture === null ? [] : expectedUnion(conjecture.basis.tests);
}
