import type { GroundTruth, RecoveryStage } from '../core/eval/ground-truth';
import { initialJudgeState, isTerminal, judgeStep, ruleReading, stagesReading, type JudgedStep, type JudgeState } from '../core/eval/judge';
import type { TracedAction, TracedStep } from '../core/eval/trace';
import { noIncidentStop, type StopRule } from '../replay/run-incident';
import { tracedStep } from './trace-from-replay';

/**
 * The judge as a replay runs: each recommendation is judged as it is made, and the replay's stop rule asks the
 * judge's state (recovered once every requirement is met), never the agent's predicted one. A judge model, when
 * used, gives the stages an action advances (`readStages`); its agreement with the rule reading is counted.
 */
export type StageReader = (action: TracedAction, before: JudgeState) => Promise<readonly RecoveryStage[] | undefined>;

export interface JudgeAgreement {
  readonly actions: number;
  readonly agreed: number;
}

export interface LiveJudge {
  readonly verdicts: JudgedStep[];
  readonly agreement: () => JudgeAgreement;
  readonly observe: (step: TracedStep) => Promise<JudgedStep>;
  readonly stopRule: StopRule;
}

const sameStages = (a: readonly RecoveryStage[], b: readonly RecoveryStage[]): boolean => a.length === b.length && a.every((stage) => b.includes(stage));

export function liveJudge(truth: GroundTruth, readStages?: StageReader): LiveJudge {
  const verdicts: JudgedStep[] = [];
  let state = initialJudgeState;
  let actions = 0;
  let agreed = 0;
  const observe = async (step: TracedStep): Promise<JudgedStep> => {
    let reading = step.action === undefined ? new Map() : ruleReading(step.action);
    if (step.outcome === 'action' && step.action !== undefined && readStages !== undefined) {
      const stages = await readStages(step.action, state);
      // An unusable verdict falls back to the rule reading rather than failing the whole evaluation.
      if (stages !== undefined) {
        actions += 1;
        if (sameStages(stages, [...reading.keys()])) agreed += 1;
        reading = stagesReading(stages);
      }
    }
    const result = judgeStep(step, state, truth, reading);
    state = result.state;
    verdicts.push(result.verdict);
    return result.verdict;
  };
  const stopRule: StopRule = async (outcome, event) => {
    await observe(tracedStep(outcome.recommendation));
    return isTerminal(state.stages) ? 'recovered' : noIncidentStop(outcome, event);
  };
  return { verdicts, agreement: () => ({ actions, agreed }), observe, stopRule };
}
