import { ecsFormat } from '@elastic/ecs-pino-format';
import pino from 'pino';
import { packageVersion } from './version';

/**
 * The logger every layer but the core receives: created once in a composition root and injected; the core never
 * logs. Lines are ECS JSON (pino + @elastic/ecs-pino-format: `@timestamp`, `log.level`, `message`, `ecs.version`,
 * `service.*`) on stderr, so Filebeat or Elastic Agent ship them without a pipeline. Secrets are redacted twice:
 * by key name in every logged object (`redactSecrets`) and by pino's path list (`RedactedPaths`).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface JsonLoggerOptions {
  level: LogLevel;
  /** One JSON line, without its newline (default: stderr). */
  write?: (line: string) => void;
  now?: () => Date;
}

export const REDACTED = '[redacted]';

/**
 * Keys whose values are never logged, whatever object they sit in: passwords (SASL's included), API keys, tokens,
 * authorization headers, credentials, in snake_case, kebab-case, IRA_* or camelCase (`promptTokens` is not one).
 */
const SECRET_KEY = /^(?:.*[_-])?(?:password|passwd|secret|token|api[_-]?key|authorization|credentials?|private[_-]?key)$/i;
const SECRET_CAMEL = /(?:Password|Secret|Token|ApiKey|PrivateKey|Credentials?)$/;
const isSecretKey = (key: string): boolean => SECRET_KEY.test(key) || SECRET_CAMEL.test(key);

/** pino's own redaction, for values handed to pino directly (child bindings included). */
export const RedactedPaths = [
  'password', '*.password', '*.*.password',
  'apiKey', '*.apiKey', '*.*.apiKey',
  'token', '*.token', '*.*.token',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'sasl.password', '*.sasl.password', '*.*.sasl.password',
  'auth.password', '*.auth.password', 'auth.apiKey', '*.auth.apiKey', '*.*.auth.apiKey',
];

/** A copy of `value` with every secret-named key's value replaced by "[redacted]" (depth-limited, cycle-safe). */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1, seen));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretKey(key) && item !== undefined && item !== null ? REDACTED : redactSecrets(item, depth + 1, seen);
  }
  return out;
}

/** ECS keeps `error` an object: a string error (describeError) becomes `error.message`. */
function ecsFields(fields: LogFields | undefined): LogFields {
  if (!fields) return {};
  const redacted = redactSecrets(fields) as LogFields;
  const error = redacted['error'];
  return typeof error === 'string' ? { ...redacted, error: { message: error } } : redacted;
}

function wrap(instance: pino.Logger): Logger {
  return {
    debug: (message, fields) => instance.debug(ecsFields(fields), message),
    info: (message, fields) => instance.info(ecsFields(fields), message),
    warn: (message, fields) => instance.warn(ecsFields(fields), message),
    error: (message, fields) => instance.error(ecsFields(fields), message),
    child: (fields) => wrap(instance.child(ecsFields(fields))),
  };
}

/** The service's logger: ECS JSON lines at `level` and above. */
export function createJsonLogger(options: JsonLoggerOptions, bound: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const format = ecsFormat({ apmIntegration: false, convertErr: true, serviceName: 'ira', serviceVersion: packageVersion() });
  const now = options.now;
  const instance = pino(
    {
      ...format,
      ...(now ? { timestamp: () => `,"@timestamp":"${now().toISOString()}"` } : {}),
      level: options.level,
      redact: { paths: RedactedPaths, censor: REDACTED },
    },
    // pino hands each record as one string ending in a newline; synchronous, so nothing is lost on exit.
    { write: (record: string) => write(record.endsWith('\n') ? record.slice(0, -1) : record) },
  );
  return wrap(Object.keys(bound).length > 0 ? instance.child(ecsFields(bound)) : instance);
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
