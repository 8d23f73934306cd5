import { SignatureAnswer } from './answers';
import { ask } from './ask-model';
import { messagesFor, type StepContext } from './context';
import { runPool } from './pool';
import { expectedKeys, precisionRecall, signatureFormat, signatureMode, type PrecisionRecall } from './signatures';
import type { AttackTactic } from './tactics';
import type { TacticTest } from './types';

/**
 * The conjecture test of digest §3.2: per tactic, ask which alert signatures an attacker following it would cause,
 * then precision = |expected ∩ observed| / |expected| against the signatures actually observed. A tactic passes at
 * precision ≥ threshold. Expected signatures depend only on the tactic, the system and the signature format, so a
 * test from an earlier step is reused instead of asked again.
 */
async function expectedFor(
  context: StepContext,
  tactic: AttackTactic,
  observed: ReadonlySet<string>,
): Promise<{ keys: string[] } | { note: string }> {
  const mode = signatureMode(observed);
  const messages = messagesFor(context, 'conjecture-test', { tactic, signatureFormat: signatureFormat(mode) });
  const answer = await ask(context, {
    purpose: 'conjecture-test',
    messages,
    schema: SignatureAnswer,
    temperature: 0,
    maxTokens: context.config.conjectureMaxTokens,
    seedKey: `conjecture-test:${tactic}`,
  });
  return answer.ok ? { keys: expectedKeys(answer.value, mode) } : { note: answer.message };
}

function reusable(previous: TacticTest | undefined, observed: ReadonlySet<string>): string[] | null {
  if (previous === undefined || previous.status === 'untested' || previous.expected.length === 0) return null;
  const pairs = signatureMode(observed) === 'pairs';
  return previous.expected.every((key) => key.includes('|') === pairs) ? previous.expected : null;
}

function judge(tactic: AttackTactic, expected: string[], observed: ReadonlySet<string>, threshold: number): TacticTest {
  const { precision, recall } = precisionRecall(expected, observed);
  return { tactic, status: precision >= threshold ? 'accepted' : 'rejected', precision, recall, expected };
}

export async function testTactics(
  context: StepContext,
  tactics: readonly AttackTactic[],
  observed: ReadonlySet<string>,
  earlier: readonly TacticTest[],
): Promise<TacticTest[]> {
  const threshold = context.config.precisionThreshold;
  const tasks = tactics.map((tactic) => async (): Promise<TacticTest> => {
    const cached = reusable(
      earlier.find((test) => test.tactic === tactic),
      observed,
    );
    if (cached !== null) return judge(tactic, cached, observed, threshold);
    const expected = await expectedFor(context, tactic, observed);
    if ('note' in expected) return { tactic, status: 'untested', precision: 0, recall: 0, expected: [], note: expected.note };
    return judge(tactic, expected.keys, observed, threshold);
  });
  return runPool(tasks, context.config.rolloutConcurrency);
}

/** Precision and recall of the union of the tested tactics' expected signatures. */
export function aggregate(tests: readonly TacticTest[], observed: ReadonlySet<string>): PrecisionRecall {
  const expected = tests.filter((test) => test.status !== 'untested').flatMap((test) => test.expected);
  return precisionRecall(expected, observed);
}

export function expectedUnion(tests: readonly TacticTest[]): string[] {
  return [...new Set(tests.flatMap((test) => test.expected))];
}

/** Passing = at least one tactic accepted and none rejected (an untested tactic neither passes nor fails). */
export function passes(tests: readonly TacticTest[]): boolean {
  return tests.some((test) => test.status === 'accepted') && !tests.some((test) => test.status === 'rejected');
}
