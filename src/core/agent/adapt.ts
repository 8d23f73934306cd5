import { RevisionAnswer, type IncidentAnswer } from './answers';
import { ask } from './ask';
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
  readonly observedState: RecoveryState;
  readonly lastPrediction: Prediction | null;
}

export interface AdaptResult {
  readonly conjecture: Conjecture | null;
  readonly revisions: ConjectureRevision[];
  readonly adaptation: Adaptation;
  readonly notes: string[];
}

const entityCap = 50;
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
    entities: mergeEntities({ attackers: [], systems: [], targets: [] }, perceived.entities),
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
    stateMismatch: last === null ? [] : missingFields(last.state, input.observedState),
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
) {
  const failed = tests.filter((test) => test.status !== 'accepted');
  const failedText =
    failed.length === 0
      ? 'No tactics were conjectured yet.'
      : failed.map((test) => `- ${test.tactic}: expected ${JSON.stringify(test.expected)}, precision ${test.precision.toFixed(2)}`).join('\n');
  const messages = messagesFor(context, 'conjecture-revision', {
    evidence: context.data.evidence,
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
  readonly isNew: boolean;
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
  const version = (tested.base?.version ?? 0) + 1;
  const base = tested.base ?? fromPerception(input.perceived, context.step);
  const conjecture = withTests(
    context,
    {
      version,
      tactics,
      techniques: [...new Set(answer.value.techniques)],
      entities: base?.entities ?? mergeEntities({ attackers: [], systems: [], targets: [] }, input.perceived?.entities),
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
  const initialDoc = (conjecture: Conjecture, reason: string) =>
    isNew ? [revisionDocument(context, null, conjecture, reason, input.observed)] : [];
  const features = context.config.features;
  if (!features.conjectureTest || input.observed.size === 0) {
    if (input.observed.size === 0) notes.push('conjecture not tested: no alert signatures observed in this step');
    return { conjecture: base, revisions: base === null ? [] : initialDoc(base, 'initial conjecture from the incident analysis (untested)'), adaptation, notes };
  }
  const tests = base === null ? [] : await testTactics(context, base.tactics, input.observed, base.basis.tests);
  const current = base === null ? null : withTests(context, base, tests, input.observed);
  const tested = { ...adaptation, conjectureTested: current !== null };
  if (current !== null && passes(tests)) {
    return { conjecture: current, revisions: initialDoc(current, 'initial conjecture from the incident analysis; passed its test'), adaptation: tested, notes };
  }
  const initial = current === null ? [] : initialDoc(current, `initial conjecture from the incident analysis; ${failureSummary(tests, context.config.precisionThreshold)}`);
  if (!features.adaptation) return { conjecture: current, revisions: initial, adaptation: tested, notes };
  const revised = await revise(context, { base: current, isNew, tests }, input, notes);
  if (revised === null) return { conjecture: current, revisions: initial, adaptation: tested, notes };
  const document = revisionDocument(context, current, revised.conjecture, revised.reason, input.observed);
  return {
    conjecture: revised.conjecture,
    revisions: [...initial, document],
    adaptation: { ...tested, conjectureTested: true, conjectureRevised: true },
    notes,
  };
}

export function expectedSignaturesOf(conjecture: Conjecture | null): string[] {
  return conjecture === null ? [] : expectedUnion(conjecture.basis.tests);
}
