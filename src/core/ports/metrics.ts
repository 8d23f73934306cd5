/**
 * What the stages report for `ira serve`'s /metrics beyond their running counters (which the composition root reads
 * itself). The composition root implements it with prom-client; stages and tests that do not care pass `noMetrics`.
 */
export interface StageMetrics {
  /** One agent step written: its wall-clock duration and its decision (the abstention code when it abstained). */
  agentStepEnded(step: { readonly seconds: number; readonly decision: 'act' | 'abstain'; readonly abstainCode?: string }): void;
  /** Incidents waiting for a step in the stage's current batch. */
  queueDepth(stage: string, depth: number): void;
}

export const noMetrics: StageMetrics = {
  agentStepEnded: () => undefined,
  queueDepth: () => undefined,
};
