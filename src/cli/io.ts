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
