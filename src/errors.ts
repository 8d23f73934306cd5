/**
 * One error type for infrastructure failures. Expected outcomes (an invalid alert, a model answer that fails its
 * schema) are values (`Result`), not exceptions. Adapters translate SDK errors into `IraError` at the boundary.
 */
export const ErrorCodes = {
  configInvalid: 'IRA_CONFIG_INVALID',
  kafkaUnavailable: 'IRA_KAFKA_UNAVAILABLE',
  storeUnavailable: 'IRA_STORE_UNAVAILABLE',
  storeRejected: 'IRA_STORE_REJECTED',
  storeConflict: 'IRA_STORE_CONFLICT',
  llmUnavailable: 'IRA_LLM_UNAVAILABLE',
  llmRejected: 'IRA_LLM_REJECTED',
  llmInvalidAnswer: 'IRA_LLM_INVALID_ANSWER',
  budgetExhausted: 'IRA_BUDGET_EXHAUSTED',
  aborted: 'IRA_ABORTED',
  modelUnavailable: 'IRA_MODEL_UNAVAILABLE',
  sourceInvalid: 'IRA_SOURCE_INVALID',
  internal: 'IRA_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface IraErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class IraError extends Error {
  override readonly name = 'IraError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: IraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }

  static isInstance(value: unknown): value is IraError {
    return value instanceof Error && value.name === 'IraError' && 'code' in value;
  }
}

export function isRetryable(error: unknown): boolean {
  return IraError.isInstance(error) && error.retryable;
}

export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' || error.name === 'TimeoutError' || (IraError.isInstance(error) && error.code === ErrorCodes.aborted))
  );
}

/** A short, log-safe description of any thrown value (no payloads, no stack). */
export function describeError(error: unknown): string {
  if (IraError.isInstance(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
