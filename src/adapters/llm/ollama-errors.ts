import { ErrorCodes, IraError } from '../../errors';

/**
 * Translation of ollama-js / fetch failures into IraError, at the adapter boundary.
 * Who ended the call is decided by the signals, not by the error's shape: an aborted fetch rejects with whatever
 * reason the signal carried.
 */
export interface FailureContext {
  readonly host: string;
  readonly model: string;
  readonly callerAborted: boolean;
  readonly timedOut: boolean;
  readonly timeoutMs: number;
}

/** Connection-level failures worth retrying (undici puts the system error in `cause`). */
const transientCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

export function translateOllamaError(error: unknown, context: FailureContext): IraError {
  if (IraError.isInstance(error)) return error;
  if (context.callerAborted) return new IraError(ErrorCodes.aborted, 'LLM call aborted', { cause: error });
  const where = `Ollama at ${context.host}`;
  if (context.timedOut) {
    return new IraError(ErrorCodes.llmUnavailable, `${where} did not answer within ${context.timeoutMs} ms`, {
      retryable: true,
      cause: error,
    });
  }
  const status = statusOf(error);
  if (status !== undefined) return fromStatus(status, messageOf(error), context, error);
  const code = systemCode(error);
  if (code !== undefined && transientCodes.has(code)) {
    return new IraError(ErrorCodes.llmUnavailable, `${where} is unreachable (${code}); is \`ollama serve\` running?`, {
      retryable: true,
      cause: error,
      details: { code },
    });
  }
  if (nameOf(error) === 'SyntaxError') {
    return new IraError(ErrorCodes.llmUnavailable, `${where} sent a reply that is not JSON`, { retryable: true, cause: error });
  }
  return new IraError(ErrorCodes.llmUnavailable, `${where} failed: ${messageOf(error)}`, { cause: error });
}

function fromStatus(status: number, message: string, context: FailureContext, cause: unknown): IraError {
  const details = { status };
  if (status === 404 || /model .*not found/i.test(message)) {
    return new IraError(
      ErrorCodes.llmRejected,
      `model "${context.model}" is not available on Ollama at ${context.host} (${message}); ` +
        `pull it with \`ollama pull ${context.model}\` or import a GGUF with \`ollama create ${context.model} -f Modelfile\``,
      { cause, details },
    );
  }
  // With `truncate: false` Ollama refuses a prompt longer than num_ctx (runner: "the input length exceeds the context
  // length"); asking again would be refused again.
  if (/exceeds (the|maximum) context length/i.test(message)) {
    return new IraError(ErrorCodes.llmRejected, `Ollama at ${context.host} refused a prompt longer than its num_ctx (${status}): ${message}`, {
      cause,
      details,
    });
  }
  if (status === 408 || status === 429 || status >= 500) {
    return new IraError(ErrorCodes.llmUnavailable, `Ollama at ${context.host} answered ${status}: ${message}`, {
      retryable: true,
      cause,
      details,
    });
  }
  return new IraError(ErrorCodes.llmRejected, `Ollama at ${context.host} rejected the request (${status}): ${message}`, {
    cause,
    details,
  });
}

/** ollama-js throws `ResponseError` with `status_code`; checked by shape so a second copy of the SDK still matches. */
function statusOf(error: unknown): number | undefined {
  const status = field(error, 'status_code');
  return typeof status === 'number' ? status : undefined;
}

function systemCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth++) {
    const code = field(current, 'code');
    if (typeof code === 'string') return code;
    const nested = field(current, 'errors');
    if (Array.isArray(nested) && nested.length > 0) current = nested[0];
    else current = field(current, 'cause');
  }
  return undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function nameOf(error: unknown): string | undefined {
  const name = field(error, 'name');
  return typeof name === 'string' ? name : undefined;
}

function messageOf(error: unknown): string {
  const message = field(error, 'message');
  return typeof message === 'string' ? message : String(error);
}
