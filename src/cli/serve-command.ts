import { parseArgs } from 'node:util';
import { runServe } from '../app/serve';
import { createJsonLogger } from '../logger';
import { packageVersion } from '../version';
import { ExitCodes, loadConfigOrReport, reportFailure, writeLine, type CliIo } from './io';

export const serveUsage = `usage: ira serve [--version]

Runs the live pipeline until SIGTERM/SIGINT: stage 1 (triage) consumes ${'`ira.alerts`'}, indexes alerts and incidents,
produces incident events; stage 2 (the agent) consumes those events and writes recommendations and conjectures;
stage 3 applies analyst feedback from ${'`ira.feedback`'}. An HTTP endpoint on IRA_HTTP_HOST:IRA_HTTP_PORT
(127.0.0.1:8080) serves /healthz, /readyz, /metrics and POST /v1/feedback (bearer IRA_HTTP_TOKEN).
Configuration comes from IRA_* environment variables (see docs/configuration.md); logs are ECS JSON lines on stderr.

  --version  print ira's version and exit`;

const options = {
  version: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function runServeCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    writeLine(io.stderr, `ira serve: ${(error as Error).message}\n${serveUsage}`);
    return ExitCodes.usage;
  }
  if (values.help) {
    writeLine(io.stdout, serveUsage);
    return ExitCodes.ok;
  }
  if (values.version) {
    writeLine(io.stdout, packageVersion());
    return ExitCodes.ok;
  }
  const config = loadConfigOrReport(io);
  if (!config) return ExitCodes.usage;
  // The service logs ECS JSON lines at the configured level: it runs under a supervisor, not in front of a person.
  const logger = createJsonLogger({ level: config.logLevel, write: (line) => io.stderr.write(`${line}\n`) });
  try {
    await runServe(config, logger, io.signal);
    return ExitCodes.ok;
  } catch (error) {
    reportFailure(io, 'serve', error);
    return ExitCodes.failed;
  }
}
