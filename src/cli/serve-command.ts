import { createJsonLogger } from '../logger';
import { ExitCodes, loadConfigOrReport, reportFailure, writeLine, type CliIo } from './io';
import { runServe } from '../app/serve';

export const serveUsage = `usage: ira serve

Runs the live pipeline until SIGTERM/SIGINT: stage 1 (triage) consumes ${'`ira.alerts`'}, indexes alerts and incidents,
produces incident events; stage 2 (the agent) consumes those events and writes recommendations and conjectures.
Configuration comes from IRA_* environment variables (see docs/configuration.md).`;

export async function runServeCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    writeLine(io.stdout, serveUsage);
    return ExitCodes.ok;
  }
  const config = loadConfigOrReport(io);
  if (!config) return ExitCodes.usage;
  // The service logs JSON lines at the configured level: it runs under a supervisor, not in front of a person.
  const logger = createJsonLogger({ level: config.logLevel, write: (line) => io.stderr.write(`${line}\n`) });
  try {
    await runServe(config, logger, io.signal);
    return ExitCodes.ok;
  } catch (error) {
    reportFailure(io, 'serve', error);
    return ExitCodes.failed;
  }
}
