import type { LlmPurpose, LlmUsage } from '../ports/llm';
import type { Usage } from './types';

export interface StepBudgets {
  readonly maxLlmCalls: number;
  readonly maxTokens: number;
  readonly timeoutMs: number;
}

/** A step's meter at one moment: usage so far (calls include those in flight), calls answered, budgets, time. */
export interface MeterReading {
  readonly usage: Usage;
  /** Calls whose answer (and tokens) came back; `usage.llmCalls` also counts the calls still running. */
  readonly answered: number;
  readonly budgets: StepBudgets;
  /** Since the step began, by the step's clock. */
  readonly elapsedMs: number;
}

/**
 * Told when a call starts and when its tokens are known. For progress and for accounting a step that is
 * interrupted (interrupted.ts); it must not throw.
 */
export type UsageListener = (reading: MeterReading) => void;

/**
 * Counts LLM calls and tokens across one step and says when a budget is spent. A call is counted when it starts, so
 * concurrent rollouts cannot overshoot the call budget; tokens are known only afterwards, so the token budget can be
 * passed by the calls already in flight. `reserve` calls are kept back for the commit that follows planning.
 */
export class StepMeter {
  private calls = 0;
  private answered = 0;
  private promptTokens = 0;
  private evaluatedPromptTokens = 0;
  private completionTokens = 0;
  private readonly noted: string[] = [];
  private readonly byPurpose: Record<string, number> = {};
  private exhaustedReason: string | null = null;

  constructor(
    private readonly budgets: StepBudgets,
    private readonly now: () => number,
    private readonly startedAt: number,
    private readonly reserve = 1,
    private readonly listener?: UsageListener,
  ) {}

  private tell(): void {
    this.listener?.({ usage: this.usage(), answered: this.answered, budgets: this.budgets, elapsedMs: Math.max(0, this.now() - this.startedAt) });
  }

  /** Claims one call, or records why none is left and returns false. */
  tryStart(purpose: LlmPurpose, useReserve = false): boolean {
    const reason = this.blockReason(useReserve);
    if (reason !== null) {
      this.exhaustedReason ??= reason;
      return false;
    }
    this.calls += 1;
    this.byPurpose[purpose] = (this.byPurpose[purpose] ?? 0) + 1;
    this.tell();
    return true;
  }

  private blockReason(useReserve: boolean): string | null {
    const callLimit = this.budgets.maxLlmCalls - (useReserve ? 0 : this.reserve);
    if (this.calls >= callLimit) return `LLM call budget of ${this.budgets.maxLlmCalls} per step reached`;
    if (!useReserve && this.promptTokens + this.completionTokens >= this.budgets.maxTokens) {
      return `token budget of ${this.budgets.maxTokens} per step reached`;
    }
    if (this.now() - this.startedAt >= this.budgets.timeoutMs) return `time budget of ${this.budgets.timeoutMs} ms reached`;
    return null;
  }

  record(usage: LlmUsage): void {
    this.promptTokens += usage.promptTokens;
    this.evaluatedPromptTokens += usage.evaluatedPromptTokens ?? usage.promptTokens;
    this.completionTokens += usage.completionTokens;
    this.answered += 1;
    this.tell();
  }

  /** Something the recommendation should say about how the step's calls were sized (a shrink, a prompt not sent). */
  note(text: string): void {
    if (!this.noted.includes(text)) this.noted.push(text);
  }

  get notes(): readonly string[] {
    return this.noted;
  }

  markExhausted(reason: string): void {
    this.exhaustedReason ??= reason;
  }

  get exhausted(): string | null {
    return this.exhaustedReason;
  }

  usage(): Usage {
    return {
      llmCalls: this.calls,
      promptTokens: this.promptTokens,
      evaluatedPromptTokens: this.evaluatedPromptTokens,
      completionTokens: this.completionTokens,
      callsByPurpose: { ...this.byPurpose },
    };
  }
}
