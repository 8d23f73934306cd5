import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { calibrationDir, profileOf } from '../app/calibration-file';
import { runCalibration } from '../app/calibrate';
import { cliLogger, ExitCodes, loadConfigOrReport, positiveIntOption, reportFailure, UsageError, writeLine, type CliIo } from './io';

export const calibrateUsage = `usage: ira calibrate [options]

  Puts the labelled situations to the configured model, labels each chosen action right or wrong, and sets γ of the
  consistency guard by split conformal prediction so that a wrong decision goes unflagged with probability ≤ α.
  Writes <out>/<profile>.json (read by the agent for that profile) and <out>/<profile>.decisions.jsonl.

  --profile NAME        model profile the result is for (default: IRA_LLM_PROFILE, else the provider's default)
  --alpha A             target risk, 0 < A < 1 (default 0.1)
  --seeds N             each situation is asked N times, seeds IRA_LLM_SEED, +1, ... (default 1)
  --limit N             only the first N situations
  --situations FILE     default ${join(calibrationDir, 'situations.jsonl')}
  --manifest FILE       the cases the situations name (default datasets/bundled.json)
  --out DIR             default ${calibrationDir}
  --candidates N  --rollouts M  --depth H  --max-calls-per-step L
                        planning budget per decision (default N=2 M=2 H=3 L=40; M must be ≥ 2 to measure λ)
  --json                print the result as JSON`;

const options = {
  profile: { type: 'string' },
  alpha: { type: 'string' },
  seeds: { type: 'string' },
  limit: { type: 'string' },
  situations: { type: 'string' },
  manifest: { type: 'string' },
  out: { type: 'string' },
  candidates: { type: 'string' },
  rollouts: { type: 'string' },
  depth: { type: 'string' },
  'max-calls-per-step': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function alphaOption(value: string | undefined): number {
  const alpha = value === undefined ? 0.1 : Number(value);
  if (!(alpha > 0 && alpha < 1)) throw new UsageError('--alpha must be a number between 0 and 1');
  return alpha;
}

export async function runCalibrateCommand(argv: string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
  let alpha: number;
  try {
    values = parseArgs({ args: argv, options, strict: true }).values;
    alpha = alphaOption(values.alpha);
  } catch (error) {
    writeLine(io.stderr, `ira calibrate: ${(error as Error).message}\n${calibrateUsage}`);
    return ExitCodes.usage;
  }
  if (values.help) {
    writeLine(io.stdout, calibrateUsage);
    return ExitCodes.ok;
  }
  const config = loadConfigOrReport(io);
  if (config === undefined) return ExitCodes.usage;
  const profile = values.profile ?? profileOf(config);
  try {
    const limit = positiveIntOption('limit', values.limit);
    const budget = {
      candidates: positiveIntOption('candidates', values.candidates) ?? 2,
      rollouts: positiveIntOption('rollouts', values.rollouts) ?? 2,
      depth: positiveIntOption('depth', values.depth) ?? 3,
      maxLlmCallsPerStep: positiveIntOption('max-calls-per-step', values['max-calls-per-step']) ?? 40,
    };
    const outcome = await runCalibration(
      config,
      {
        situations: values.situations ?? join(calibrationDir, 'situations.jsonl'),
        manifest: values.manifest ?? join('datasets', 'bundled.json'),
        profile,
        alpha,
        seeds: positiveIntOption('seeds', values.seeds) ?? 1,
        ...(limit === undefined ? {} : { limit }),
        budget,
        outDir: values.out ?? calibrationDir,
      },
      { logger: cliLogger(config, io), signal: io.signal, say: (line) => writeLine(io.stderr, line) },
    );
    const { result } = outcome;
    if (values.json) writeLine(io.stdout, JSON.stringify(result, null, 2));
    else {
      writeLine(io.stdout, `γ = ${result.gamma.toFixed(3)} for ${profile} (${result.model}), α = ${alpha}: ${result.note}`);
      writeLine(io.stdout, `decisions ${result.decisions}: ${result.right} right, ${result.wrong} wrong, ${result.unusable} without an action or λ`);
      writeLine(io.stdout, `result: ${outcome.resultPath}\n        ${outcome.decisionsPath}`);
    }
    return ExitCodes.ok;
  } catch (error) {
    if (error instanceof UsageError || error instanceof RangeError) {
      writeLine(io.stderr, `ira calibrate: ${error.message}`);
      return ExitCodes.usage;
    }
    reportFailure(io, 'calibrate', error);
    return ExitCodes.failed;
  }
}
