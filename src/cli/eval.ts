import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config';
import { summaryText } from '../core/eval/summary-table';
import { budgetPreset, BudgetPresets, demoBudget, paperBudget, type BudgetPreset } from '../app/demo';
import { EvalMethods, runEvaluation, T_MAX, type EvalMethod } from '../app/eval';
import { cliLogger, ExitCodes, loadConfigOrReport, positiveIntOption, reportFailure, timestampSlug, UsageError, writeLine, type CliIo } from './io';
import { createProgress } from './progress';
import { budgetFlags } from './replay';

export const evalUsage = `usage: ira eval <dataset> [options]

  <dataset>             "bundled" (datasets/bundled.json), a manifest file, or one incident folder with its ground truth
  --methods a,b         of ${EvalMethods.join(', ')} (default: all)
  --seeds N             number of seeds (default 3); seeds are IRA_LLM_SEED, +1, +2, ...
  --cases a,b           only these case ids
  --judge rules|llm     how an action's recovery stages are read (default rules; llm: the model IRA_EVAL_JUDGE_MODEL,
                        never the agent's, with IRA_EVAL_JUDGE_MAX_TOKENS; its agreement with the rules is reported)
  --out <dir>           results folder (default: out/eval-<timestamp>/)
  --json                print one line of JSON on stdout: per method the figures and per case time, minimum, failed
  --budget demo|paper|config
                        planning budget (default demo: N=${demoBudget.candidates} M=${demoBudget.rollouts} H=${demoBudget.depth}, <=${demoBudget.maxLlmCallsPerStep} calls/step;
                        paper: N=${paperBudget.candidates} M=${paperBudget.rollouts} H=${paperBudget.depth} with the configured call budget; config: IRA_AGENT_* alone)
  --candidates N  --rollouts M  --depth H  --max-steps S  --chunk-size C  --max-calls-per-step L
                        over the preset; --max-steps is T_max (default ${T_MAX} whatever the preset)
  Methods oracle, no-op and playbook are known-answer policies: they need no model. self-consistency draws k action
  samples per step, k matched to ira's calls per step on the same seed and case (ira runs first), else to its budget.`;

const options = {
  methods: { type: 'string' },
  seeds: { type: 'string' },
  cases: { type: 'string' },
  judge: { type: 'string', default: 'rules' },
  budget: { type: 'string', default: 'demo' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  candidates: { type: 'string' },
  rollouts: { type: 'string' },
  depth: { type: 'string' },
  'max-steps': { type: 'string' },
  'chunk-size': { type: 'string' },
  'max-calls-per-step': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function listOption(value: string | undefined): string[] | undefined {
  return value?.split(',').map((item) => item.trim()).filter(Boolean);
}

function methodsOption(value: string | undefined): EvalMethod[] {
  const names = listOption(value) ?? [...EvalMethods];
  const unknown = names.filter((name) => !(EvalMethods as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown method(s) ${unknown.join(', ')}; choose from ${EvalMethods.join(', ')}`);
  return names as EvalMethod[];
}

interface EvalRequest {
  readonly dataset: string;
  readonly methods: EvalMethod[];
  readonly seedCount: number;
  readonly values: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];
}

function parseEvalArgs(argv: string[]): EvalRequest {
  const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const methods = methodsOption(parsed.values.methods);
  const seedCount = positiveIntOption('seeds', parsed.values.seeds) ?? 3;
  if (parsed.values.judge !== 'rules' && parsed.values.judge !== 'llm') throw new UsageError('--judge must be rules or llm');
  if (!(BudgetPresets as readonly string[]).includes(parsed.values.budget)) throw new UsageError(`--budget must be one of ${BudgetPresets.join(', ')}`);
  if (!parsed.values.help && parsed.positionals.length !== 1) throw new UsageError('give one dataset');
  return { dataset: parsed.positionals[0] ?? '', methods, seedCount, values: parsed.values };
}

async function executeEval(config: Config, request: EvalRequest, io: CliIo, outDir: string): Promise<number> {
  const { dataset, methods, values } = request;
  const judge = values.judge === 'llm' ? 'llm' : 'rules';
  const cases = listOption(values.cases);
  const preset = values.budget as BudgetPreset;
  // T_max is the eval's own step cap: a preset's maxSteps (the demo's 2) never shortens it; --max-steps does.
  const { maxSteps: _presetSteps, ...presetBudget } = budgetPreset(preset);
  const budget = { ...presetBudget, ...budgetFlags(values) };
  const result = await runEvaluation(
    config,
    { dataset, ...(cases === undefined ? {} : { cases }), methods, seedCount: request.seedCount, budget, budgetName: preset, judge, outDir },
    { progress: createProgress(io.stderr), logger: cliLogger(config, io), signal: io.signal, say: (line) => writeLine(io.stderr, line) },
  );
  const { written, runs, planned } = result;
  if (values.json) writeLine(io.stdout, JSON.stringify({ methods: written.methods }));
  else writeLine(io.stdout, `${summaryText(written.summaries)}

results: ${written.markdown}
         ${written.json}`);
  if (runs.length < planned) writeLine(io.stderr, `ira eval: interrupted after ${runs.length} of ${planned} runs; the results cover those`);
  return runs.length < planned ? ExitCodes.failed : ExitCodes.ok;
}

export async function runEvalCommand(argv: string[], io: CliIo): Promise<number> {
  let request: EvalRequest;
  try {
    request = parseEvalArgs(argv);
  } catch (error) {
    writeLine(io.stderr, `ira eval: ${(error as Error).message}\n${evalUsage}`);
    return ExitCodes.usage;
  }
  if (request.values.help) {
    writeLine(io.stdout, evalUsage);
    return ExitCodes.ok;
  }
  const config = loadConfigOrReport(io);
  if (config === undefined) return ExitCodes.usage;
  const outDir = request.values.out ?? join(config.replay.outDir, `eval-${timestampSlug(new Date())}`);
  try {
    return await executeEval(config, request, io, outDir);
  } catch (error) {
    if (error instanceof UsageError || error instanceof RangeError) {
      writeLine(io.stderr, `ira eval: ${error.message}`);
      return ExitCodes.usage;
    }
    reportFailure(io, 'eval', error);
    return ExitCodes.failed;
  }
}
