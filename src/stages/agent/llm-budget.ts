export interface LlmBudgetSettings {
  /** LLM calls per rolling hour; 0 = no limit. */
  readonly llmCallsPerHour: number;
  /** Model time (the steps' wall time) per rolling hour, in seconds; 0 = no limit. */
  readonly modelSecondsPerHour: number;
}

export interface StepUsage {
  readonly llmCalls: number;
  readonly modelMs: number;
}

const HOUR_MS = 3_600_000;

/**
 * Stage 2's LLM budget over a rolling hour. A step's cost is known only when it ends, so the budget is checked
 * before a step starts and charged after: one step may overrun it by at most its own cap
 * (IRA_AGENT_MAX_LLM_CALLS_PER_STEP, IRA_AGENT_STEP_TIMEOUT_MS).
 */
export class LlmBudget {
  private readonly spent: { at: number; usage: StepUsage }[] = [];
  private readonly settings: LlmBudgetSettings;

  constructor(settings: LlmBudgetSettings) {
    this.settings = settings;
  }

  record(now: number, usage: StepUsage): void {
    if (usage.llmCalls > 0 || usage.modelMs > 0) this.spent.push({ at: now, usage });
  }

  /** `now` when a step may start, else the time the budget comes back (the oldest charge leaving the hour). */
  availableAt(now: number): number {
    while (this.spent.length > 0 && (this.spent[0] as { at: number }).at + HOUR_MS <= now) this.spent.shift();
    const { llmCallsPerHour, modelSecondsPerHour } = this.settings;
    let calls = 0;
    let modelMs = 0;
    for (const entry of this.spent) {
      calls += entry.usage.llmCalls;
      modelMs += entry.usage.modelMs;
    }
    const overCalls = llmCallsPerHour > 0 && calls >= llmCallsPerHour;
    const overTime = modelSecondsPerHour > 0 && modelMs >= modelSecondsPerHour * 1000;
    if (!overCalls && !overTime) return now;
    // Release charges oldest first until both limits hold again.
    for (const entry of this.spent) {
      calls -= entry.usage.llmCalls;
      modelMs -= entry.usage.modelMs;
      const callsOk = llmCallsPerHour === 0 || calls < llmCallsPerHour;
      const timeOk = modelSecondsPerHour === 0 || modelMs < modelSecondsPerHour * 1000;
      if (callsOk && timeOk) return entry.at + HOUR_MS;
    }
    return now + HOUR_MS;
  }
}
