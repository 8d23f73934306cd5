import { loadConfig, unknownSettings, type Config } from '../config';
import { describeError, IraError } from '../errors';
import { createJsonLogger, type Logger, type LogLevel } from '../logger';

/**
 * What a CLI command gets from the entry point (src/cli/main.ts): its streams, the environment (handed to
 * loadConfig, never read elsewhere) and a signal that fires on SIGINT/SIGTERM. Commands return an exit code.
 */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
}

export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;

/** Exit codes shared by the commands: 0 ok, 1 the work failed, 2 bad usage or configuration. */
export const ExitCodes = { ok: 0, failed: 1, usage: 2 } as const;

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

/* Helpers the replay, eval, model and demo commands share. */


export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function loadConfigOrReport(io: CliIo): Config | undefined {
  for (const name of unknownSettings(io.env)) {
    writeLine(io.stderr, `ira: warning: ${name} is not a setting and is ignored (docs/configuration.md lists them all)`);
  }
  try {
    return loadConfig(io.env);
  } catch (error) {
    writeLine(io.stderr, `ira: ${describeError(error)}`);
    return undefined;
  }
}

/** JSON log lines on stderr; offline commands log at `warn` unless debug was asked for (progress says the rest). */
export function cliLogger(config: Config, io: CliIo): Logger {
  const level: LogLevel = config.logLevel === 'debug' ? 'debug' : config.logLevel === 'error' ? 'error' : 'warn';
  return createJsonLogger({ level, write: (line) => io.stderr.write(`${line}\n`) });
}

export function positiveIntOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a positive integer (got ${JSON.stringify(value)})`);
  return Number(value);
}

/** `out/replay-2026-06-10T13-10-51Z`: sortable, no characters a file system refuses. */
export function timestampSlug(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/** One line for an error the user can act on; the code says which kind. */
export function reportFailure(io: CliIo, what: string, error: unknown): void {
  const modelMissing = IraError.isInstance(error) && error.code === 'IRA_MODEL_UNAVAILABLE' && !error.message.includes('ira model pull');
  const hint = modelMissing ? ' (run `ira model pull`, or set IRA_LLM_PROVIDER=ollama)' : '';
  writeLine(io.stderr, `ira ${what}: ${describeError(error)}${hint}`);
}
