import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { durationText, wallMs } from '../report/facts';
import { budgetPreset, BudgetPresets, DEMO_INCIDENT, demoBudget, paperBudget, runDemo, type BudgetPreset } from '../app/demo';
import { openReplaySource, type ReplaySourceSpec } from '../app/replay-source';
import { runSession, runTriageOnly, type BudgetOverrides, type SessionResult } from '../app/replay-session';
import {
  cliLogger,
  ExitCodes,
  loadConfigOrReport,
  positiveIntOption,
  reportFailure,
  timestampSlug,
  UsageError,
  writeLine,
  type CliIo,
} from './io';
import { createProgress } from './progress';

export const replayUsage = `usage: ira replay <file-or-folder> [options]
       ira replay --es-index <index> [--from <time>] [--to <time>] [--query <lucene>] [options]
       ira replay --kafka-topic <topic> [--from <offset|p:o,..|time>] [--to <...>] [options]

Runs alerts through normalise -> triage -> the agent offline and writes the documents plus report.md/report.html.
  --out <dir>            output folder (default: out/replay-<timestamp>/)
  --es                   write the documents to Elasticsearch/OpenSearch (IRA_ES_NODE) instead of NDJSON files
  --json                 print a machine-readable summary on stdout
  --direct               direct prompting baseline (one call per step, no planning)
  --triage-only          normalisation and triage only, no model: incidents, rejected records with reasons, report
  --budget config|paper|demo
                         planning budget (default config: IRA_AGENT_*, whose N, M, H follow the model profile,
                         N=2 M=2 H=3 for the embedded SmolLM2 on a CPU; paper: N=${paperBudget.candidates} M=${paperBudget.rollouts} H=${paperBudget.depth} T_max=${paperBudget.maxSteps}
                         with the configured call budget; demo: ira demo's). The flags below override it.
  --candidates N  --rollouts M  --depth H  --max-steps S  --chunk-size C  --max-incidents K  --max-calls-per-step L
  --time-field <field>   time field of --es-index (default @timestamp)`;

const options = {
  out: { type: 'string' },
  es: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  direct: { type: 'boolean', default: false },
  'triage-only': { type: 'boolean', default: false },
  budget: { type: 'string', default: 'config' },
  'es-index': { type: 'string' },
  'kafka-topic': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  query: { type: 'string' },
  'time-field': { type: 'string', default: '@timestamp' },
  candidates: { type: 'string' },
  rollouts: { type: 'string' },
  depth: { type: 'string' },
  'max-steps': { type: 'string' },
  'chunk-size': { type: 'string' },
  'max-incidents': { type: 'string' },
  'max-calls-per-step': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

export function budgetFlags(values: Partial<Record<'candidates' | 'rollouts' | 'depth' | 'max-steps' | 'chunk-size' | 'max-calls-per-step', string | undefined>>): BudgetOverrides {
  const entries: Array<[keyof BudgetOverrides, number | undefined]> = [
    ['candidates', positiveIntOption('candidates', values.candidates)],
    ['rollouts', positiveIntOption('rollouts', values.rollouts)],
    ['depth', positiveIntOption('depth', values.depth)],
    ['maxSteps', positiveIntOption('max-steps', values['max-steps'])],
    ['chunkSize', positiveIntOption('chunk-size', values['chunk-size'])],
    ['maxLlmCallsPerStep', positiveIntOption('max-calls-per-step', values['max-calls-per-step'])],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

function chooseSource(values: Values, positionals: string[]): ReplaySourceSpec {
  const kinds = [positionals.length > 0, values['es-index'] !== undefined, values['kafka-topic'] !== undefined].filter(Boolean).length;
  if (kinds !== 1 || positionals.length > 1) throw new UsageError('give exactly one source: a path, --es-index or --kafka-topic');
  const range = { ...(values.from === undefined ? {} : { from: values.from }), ...(values.to === undefined ? {} : { to: values.to }) };
  if (values['es-index'] !== undefined) {
    return { kind: 'elasticsearch', index: values['es-index'], timeField: values['time-field'], ...range, ...(values.query === undefined ? {} : { query: values.query }) };
  }
  if (values['kafka-topic'] !== undefined) {
    if (values.query !== undefined) throw new UsageError('--query applies to --es-index only');
    return { kind: 'kafka', topic: values['kafka-topic'], ...range };
  }
  if (values.from !== undefined || values.to !== undefined || values.query !== undefined) {
    throw new UsageError('--from, --to and --query apply to --es-index and --kafka-topic only');
  }
  return { kind: 'path', path: positionals[0] as string };
}

/** The lines printed at the end of a replay (stdout), or the JSON summary with --json. */
export function printResult(io: CliIo, result: SessionResult, json: boolean): void {
  if (json) {
    writeLine(io.stdout, JSON.stringify(result.written.summary, null, 2));
    return;
  }
  const { report, written } = result;
  writeLine(io.stdout, `replayed ${report.counts.incidentsReplayed} of ${report.counts.incidents} incident(s) from ${report.counts.alerts} alerts in ${durationText(wallMs(report))}`);
  for (const incident of written.summary.incidents) {
    writeLine(io.stdout, `  ${incident.id}: ${incident.stopReason}, ${incident.stagesHeld}/6 stages, ${incident.actions} actions, ${incident.abstentions} abstentions, ${incident.llmCalls} LLM calls`);
  }
  writeLine(io.stdout, `documents: ${report.output}`);
  writeLine(io.stdout, `report: ${written.html}`);
  writeLine(io.stdout, `        ${written.markdown}`);
}

export function exitCodeOf(result: SessionResult): number {
  // Input that yields no alert at all is a failure to say out loud, not an empty success.
  if (result.report.counts.alerts === 0) return ExitCodes.failed;
  return result.report.incidents.some((incident) => incident.stopReason === 'failed' || incident.stopReason === 'aborted') ? ExitCodes.failed : ExitCodes.ok;
}

/** Every file that yielded nothing, and the whole input yielding nothing, on stderr. */
export function printWarnings(io: CliIo, result: SessionResult, command: string): void {
  for (const warning of result.report.inputs?.warnings ?? []) writeLine(io.stderr, `ira ${command}: warning: ${warning}`);
  if (result.report.counts.alerts === 0) {
    writeLine(io.stderr, `ira ${command}: no alerts in ${result.report.counts.records} record(s) from ${result.report.source}: nothing was recognised as an alert`);
  }
}

/** `--triage-only --json`: what the input held, what was refused and why, and the incidents triage formed. */
function triageSummary(result: SessionResult): unknown {
  const { report } = result;
  return {
    source: report.source,
    counts: { records: report.counts.records, alerts: report.counts.alerts, rejected: report.counts.rejected, contextLines: report.counts.contextLines, incidents: report.counts.incidents },
    rejections: { byReason: report.inputs?.rejectionReasons ?? {}, samples: report.rejections },
    files: report.inputs?.files ?? [],
    warnings: report.inputs?.warnings ?? [],
    incidents: report.triaged ?? [],
    report: result.written.html,
  };
}

export async function runReplayCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    writeLine(io.stderr, `ira replay: ${(error as Error).message}\n${replayUsage}`);
    return ExitCodes.usage;
  }
  if (parsed.values.help) {
    writeLine(io.stdout, replayUsage);
    return ExitCodes.ok;
  }
  const config = loadConfigOrReport(io);
  if (config === undefined) return ExitCodes.usage;
  const logger = cliLogger(config, io);
  const values = parsed.values;
  let source: ReplaySourceSpec;
  let budget: BudgetOverrides;
  let maxIncidents: number | undefined;
  try {
    source = chooseSource(values, parsed.positionals);
    if (!(BudgetPresets as readonly string[]).includes(values.budget)) throw new UsageError(`--budget must be one of ${BudgetPresets.join(', ')}`);
    budget = { ...budgetPreset(values.budget as BudgetPreset), ...budgetFlags(values) };
    maxIncidents = positiveIntOption('max-incidents', values['max-incidents']);
  } catch (error) {
    writeLine(io.stderr, `ira replay: ${(error as Error).message}\n${replayUsage}`);
    return ExitCodes.usage;
  }
  const outDir = values.out ?? join(config.replay.outDir, `replay-${timestampSlug(new Date())}`);
  const progress = createProgress(io.stderr);
  try {
    const alertSource = openReplaySource(source, config, logger);
    if (values['triage-only']) {
      const result = await runTriageOnly(config, alertSource, { outDir, toElasticsearch: values.es, budget }, { progress, logger, signal: io.signal });
      printWarnings(io, result, 'replay');
      if (values.json) writeLine(io.stdout, JSON.stringify(triageSummary(result), null, 2));
      else printResult(io, result, false);
      return exitCodeOf(result);
    }
    const result = await runSession(
      config,
      alertSource,
      { outDir, toElasticsearch: values.es, budget, method: values.direct ? 'direct' : 'planner', ...(maxIncidents === undefined ? {} : { maxIncidents }) },
      { progress, logger, signal: io.signal },
    );
    printWarnings(io, result, 'replay');
    printResult(io, result, values.json);
    return exitCodeOf(result);
  } catch (error) {
    progress.end();
    reportFailure(io, 'replay', error);
    return ExitCodes.failed;
  }
}

export const demoUsage = `usage: ira demo [--out <dir>] [--json] [--candidates N --rollouts M --depth H --max-steps S]

Replays the bundled digital-twin incident ${DEMO_INCIDENT} with the embedded small model (pulled when missing)
and a planning budget small enough for a 2-core CPU, then prints where the report is.`;

const demoOptions = {
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  candidates: { type: 'string' },
  rollouts: { type: 'string' },
  depth: { type: 'string' },
  'max-steps': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function runDemoCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: argv, options: demoOptions, allowPositionals: false, strict: true }).values;
  } catch (error) {
    writeLine(io.stderr, `ira demo: ${(error as Error).message}\n${demoUsage}`);
    return ExitCodes.usage;
  }
  if (values.help) {
    writeLine(io.stdout, demoUsage);
    return ExitCodes.ok;
  }
  const config = loadConfigOrReport(io);
  if (config === undefined) return ExitCodes.usage;
  const logger = cliLogger(config, io);
  const say = (line: string) => writeLine(io.stderr, line);
  const progress = createProgress(io.stderr);
  try {
    const budget = { ...demoBudget, ...budgetFlags(values) };
    const outDir = values.out ?? join(config.replay.outDir, `demo-${timestampSlug(new Date())}`);
    const result = await runDemo(config, { budget, outDir }, { progress, logger, signal: io.signal, say });
    printResult(io, result, values.json);
    if (!values.json) writeLine(io.stdout, `open ${result.written.html} in a browser (one self-contained file)`);
    return exitCodeOf(result);
  } catch (error) {
    progress.end();
    reportFailure(io, 'demo', error);
    return ExitCodes.failed;
  }
}
