/**
 * Agent bench (`npm run bench:agent`): what one decision costs on a real model, planner against the direct baseline.
 * Input: the Snort alerts of the ESORICS'26 digital-twin incident (normalised) and its system description. Three
 * variants, interleaved A B C A B C … in one process so machine noise falls on all of them:
 *   direct      runDirectStep: one action call plus the commit's state prediction;
 *   planner-seq runAgentStep with rolloutConcurrency = 1;
 *   planner-par runAgentStep with rolloutConcurrency = --concurrency (IRA_AGENT_ROLLOUT_CONCURRENCY, else N·M).
 * Per decision: LLM calls, prompt/completion tokens, wall time, the decision. Then medians and ratios.
 * Model: loadConfig(process.env); when unset, Ollama at http://127.0.0.1:21434 with ira-smollm2:135m (the test
 * service: bash scripts/services.sh up ollama && bash scripts/ollama.sh import-model).
 * Flags: --candidates N (2) --rollouts M (2) --depth H (2) --repeat K (2) --concurrency C --alerts A (all)
 *        --seed S (IRA_LLM_SEED) --timeout-ms T (IRA_AGENT_STEP_TIMEOUT_MS, per decision) --threads T (Ollama
 *        num_thread per request; the model's default otherwise) --keep-cache (no unload between decisions) --json
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createLlm, type ClosableLlm } from '../src/adapters/llm/create-llm';
import { createOllamaLlm } from '../src/adapters/llm/ollama-llm';
import { loadPromptSet } from '../src/adapters/prompts/load-prompts';
import { loadConfig, type Config } from '../src/config';
import { agentConfigFromSettings, initialAgentState, runAgentStep, runDirectStep, type AgentConfig, type AgentDeps, type PromptSet } from '../src/core/agent';
import { normalizeAlert } from '../src/core/alert/normalize';
import type { NormalizedAlert } from '../src/core/alert/schema';
import { seededRandom } from '../src/replay/rng';

const ROOT = join(__dirname, '..');
const LOGS = join(ROOT, 'test', 'fixtures', 'alerts', 'snort', 'esorics26-digital-twin', 'logs.txt');
// logs.txt is the 2026-06-10 weak-credential run; its own system description goes with it.
const SYSTEM = join(ROOT, 'datasets', 'digital-twin', 'weak-credential-3', 'system.txt');

type Variant = 'direct' | 'planner-seq' | 'planner-par';
const VARIANTS: readonly Variant[] = ['direct', 'planner-seq', 'planner-par'];

interface Options {
  candidates: number;
  rollouts: number;
  depth: number;
  repeat: number;
  concurrency: number;
  alerts: number | null;
  threads: number | null;
  keepCache: boolean;
  seed: number;
  timeoutMs: number;
  json: boolean;
}

interface Row {
  round: number;
  variant: Variant;
  concurrency: number;
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
  wallMs: number;
  decision: string;
  callsByPurpose: Record<string, number>;
  budgetExhausted: string | null;
  error: string | null;
}

function positive(name: string, value: string | undefined, fallback: number, minimum = 1): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum) throw new Error(`--${name} must be an integer ≥ ${minimum}, got ${value}`);
  return parsed;
}

function parseOptions(argv: string[], config: Config): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      candidates: { type: 'string' }, rollouts: { type: 'string' }, depth: { type: 'string' }, repeat: { type: 'string' },
      concurrency: { type: 'string' }, alerts: { type: 'string' }, seed: { type: 'string' }, 'timeout-ms': { type: 'string' },
      threads: { type: 'string' }, 'keep-cache': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const candidates = positive('candidates', values.candidates, 2);
  const rollouts = positive('rollouts', values.rollouts, 2);
  const fromEnv = process.env.IRA_AGENT_ROLLOUT_CONCURRENCY;
  return {
    candidates,
    rollouts,
    depth: positive('depth', values.depth, 2),
    repeat: positive('repeat', values.repeat, 2),
    concurrency: positive('concurrency', values.concurrency ?? fromEnv, candidates * rollouts),
    alerts: values.alerts === undefined ? null : positive('alerts', values.alerts, 1),
    threads: values.threads === undefined ? null : positive('threads', values.threads, 1),
    keepCache: values['keep-cache'],
    seed: values.seed === undefined ? config.llm.seed : positive('seed', values.seed, 0, 0),
    timeoutMs: positive('timeout-ms', values['timeout-ms'], config.agent.stepTimeoutMs),
    json: values.json,
  };
}

/** The environment wins; without it the bench runs on the project's test Ollama and its pinned small model. */
function benchConfig(): Config {
  const fromEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('IRA_')));
  return loadConfig({
    IRA_LLM_PROVIDER: 'ollama',
    IRA_OLLAMA_HOST: 'http://127.0.0.1:21434',
    IRA_OLLAMA_MODEL: 'ira-smollm2:135m',
    // Calls queue behind each other on a busy CPU; a per-call timeout that fires only causes a retry of the same work.
    IRA_LLM_TIMEOUT_MS: '600000',
    ...fromEnv,
  });
}

function loadInput(limit: number | null): { alerts: NormalizedAlert[]; system: string; systemPath: string } {
  const lines = readFileSync(LOGS, 'utf8').split('\n').filter((line) => line.includes('Alert: ['));
  const alerts = lines.slice(0, limit ?? lines.length).map((line, index) => {
    const result = normalizeAlert(line);
    if (!result.ok) throw new Error(`alert line ${index + 1} did not normalise: ${result.error.message}`);
    return result.value;
  });
  return { alerts, system: readFileSync(SYSTEM, 'utf8').trim(), systemPath: SYSTEM.slice(ROOT.length + 1) };
}

async function checkOllama(config: Config): Promise<string> {
  if (config.llm.provider !== 'ollama') return `embedded (${config.llm.embedded.modelPath ?? 'resolved model'})`;
  const { host, model } = config.llm.ollama;
  const tags = await fetch(`${host}/api/tags`, { signal: AbortSignal.timeout(5000) })
    .then((response) => response.json() as Promise<{ models?: { name: string }[] }>)
    .catch((error: unknown) => {
      throw new Error(`Ollama at ${host} does not answer (${String(error)}): bash scripts/services.sh up ollama`);
    });
  if (!(tags.models ?? []).some((entry) => entry.name === model)) {
    throw new Error(`Ollama at ${host} does not serve ${model}: bash scripts/ollama.sh import-model`);
  }
  const version = await fetch(`${host}/api/version`).then((response) => response.json() as Promise<{ version?: string }>);
  return `Ollama ${version.version ?? '?'} at ${host}, model ${model}`;
}

function agentConfig(config: Config, options: Options, concurrency: number, seed: number): AgentConfig {
  return agentConfigFromSettings(
    {
      ...config.agent,
      candidates: options.candidates,
      rollouts: options.rollouts,
      depth: options.depth,
      rolloutConcurrency: concurrency,
      stepTimeoutMs: options.timeoutMs,
    },
    { ...config.llm, seed },
  );
}

function timeoutError(ms: number): Error {
  // A TimeoutError reason is the step's time budget: the step ends with what it has (an abstention), not a throw.
  return Object.assign(new Error(`decision timeout of ${ms} ms reached`), { name: 'TimeoutError' });
}

function describeDecision(decision: { kind: 'act'; action: { kind: string } } | { kind: 'abstain'; code: string }): string {
  return decision.kind === 'act' ? `act:${decision.action.kind}` : `abstain:${decision.code}`;
}

interface Bench {
  readonly llm: ClosableLlm;
  readonly config: Config;
  readonly options: Options;
  readonly input: ReturnType<typeof loadInput>;
  readonly prompts: PromptSet;
  readonly seed: number;
  readonly stop: AbortSignal;
}

/** The configured adapter; `--threads` sets Ollama's num_thread per request (an adapter option config lacks). */
async function openLlm(config: Config, threads: number | null, signal: AbortSignal): Promise<ClosableLlm> {
  if (threads === null) return createLlm(config.llm, { signal });
  if (config.llm.provider !== 'ollama') throw new Error('--threads applies to the Ollama provider only');
  const ollama = createOllamaLlm(config.llm, undefined, { threads });
  return { model: ollama.model, complete: (request) => ollama.complete(request), close: () => Promise.resolve() };
}

/**
 * Empties Ollama's prompt cache by unloading the model (keep_alive 0), then reloads it with a tiny call: the variants
 * of a round send identical prompts, and the second must not find the first one's in the cache. Ollama only.
 */
async function coldStart(bench: Bench): Promise<number> {
  const { provider, ollama } = bench.config.llm;
  if (provider === 'ollama' && !bench.options.keepCache) {
    const request = { method: 'POST', headers: { 'content-type': 'application/json' }, signal: bench.stop };
    await fetch(`${ollama.host}/api/generate`, { ...request, body: JSON.stringify({ model: ollama.model, keep_alive: 0 }) });
    for (let wait = 0; wait < 100; wait++) {
      const loaded = await fetch(`${ollama.host}/api/ps`, { signal: bench.stop }).then((response) => response.json() as Promise<{ models?: { name: string }[] }>);
      if (!(loaded.models ?? []).some((entry) => entry.name === ollama.model)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return warmUp(bench);
}

/** One tiny untimed call so that loading the model into Ollama is not charged to the first measured variant. */
async function warmUp(bench: Bench): Promise<number> {
  const started = performance.now();
  await bench.llm.complete({
    purpose: 'direct-plan',
    messages: [{ role: 'user', content: 'Reply with {"ok": true}.' }],
    schema: z.object({ ok: z.boolean() }),
    temperature: 0,
    topP: 1,
    maxTokens: 8,
    signal: AbortSignal.any([bench.stop, AbortSignal.timeout(600_000)]),
  });
  return Math.round(performance.now() - started);
}

/** One decision on a fresh incident state; its own AbortController, cut at the per-decision timeout. */
async function decide(bench: Bench, variant: Variant, round: number): Promise<Row> {
  const { options, input, stop } = bench;
  const concurrency = variant === 'planner-par' ? options.concurrency : 1;
  const settings = agentConfig(bench.config, options, concurrency, bench.seed);
  // Same incident id and nonce stream for every variant of a round: identical prompts, so the greedy perception
  // answers the same and both planner variants take the same path (a 135M model's answer flips with the nonce).
  const random = seededRandom(bench.seed * 1000 + round);
  const deps: AgentDeps = { llm: bench.llm, prompts: bench.prompts, now: () => Date.now(), random };
  const state = initialAgentState(`bench-digital-twin-${round}`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(options.timeoutMs)), options.timeoutMs);
  const onStop = (): void => controller.abort(stop.reason);
  stop.addEventListener('abort', onStop, { once: true });
  const step = variant === 'direct' ? runDirectStep : runAgentStep;
  const base = { round, variant, concurrency };
  const started = performance.now();
  try {
    const outcome = await step(state, { alerts: input.alerts, systemDescription: input.system }, deps, settings, controller.signal);
    const { usage, decision, budgetExhausted } = outcome.recommendation;
    const wallMs = Math.round(performance.now() - started);
    const { llmCalls, promptTokens, completionTokens, callsByPurpose } = usage;
    return { ...base, llmCalls, promptTokens, completionTokens, wallMs, decision: describeDecision(decision), callsByPurpose, budgetExhausted, error: null };
  } catch (error) {
    if (stop.aborted) throw error;
    const wallMs = Math.round(performance.now() - started);
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, llmCalls: 0, promptTokens: 0, completionTokens: 0, wallMs, decision: 'error', callsByPurpose: {}, budgetExhausted: null, error: message };
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

interface VariantSummary {
  variant: Variant;
  concurrency: number;
  decisions: number;
  errors: number;
  medianWallMs: number;
  medianCalls: number;
  medianPromptTokens: number;
  medianCompletionTokens: number;
  /** Wall time over calls per decision: comparable even when two decisions took different paths. */
  medianMsPerCall: number;
  outcomes: string[];
}

function summarise(rows: readonly Row[], options: Options): VariantSummary[] {
  return VARIANTS.map((variant) => {
    const mine = rows.filter((row) => row.variant === variant && row.error === null);
    return {
      variant,
      concurrency: variant === 'planner-par' ? options.concurrency : 1,
      decisions: mine.length,
      errors: rows.filter((row) => row.variant === variant && row.error !== null).length,
      medianWallMs: median(mine.map((row) => row.wallMs)),
      medianCalls: median(mine.map((row) => row.llmCalls)),
      medianPromptTokens: median(mine.map((row) => row.promptTokens)),
      medianCompletionTokens: median(mine.map((row) => row.completionTokens)),
      medianMsPerCall: median(mine.filter((row) => row.llmCalls > 0).map((row) => row.wallMs / row.llmCalls)),
      outcomes: mine.map((row) => row.decision),
    };
  });
}

function ratios(summary: readonly VariantSummary[]): Record<string, number> {
  const [direct, seq, par] = summary;
  if (direct === undefined || seq === undefined || par === undefined) return {};
  const tokens = (entry: VariantSummary): number => entry.medianPromptTokens + entry.medianCompletionTokens;
  return {
    plannerSeqOverDirectCalls: seq.medianCalls / direct.medianCalls,
    plannerSeqOverDirectTokens: tokens(seq) / tokens(direct),
    plannerSeqOverDirectTime: seq.medianWallMs / direct.medianWallMs,
    plannerParOverDirectCalls: par.medianCalls / direct.medianCalls,
    plannerParOverDirectTokens: tokens(par) / tokens(direct),
    plannerParOverDirectTime: par.medianWallMs / direct.medianWallMs,
    concurrencySpeedUp: seq.medianWallMs / par.medianWallMs,
    concurrencySpeedUpPerCall: seq.medianMsPerCall / par.medianMsPerCall,
  };
}

const NOTE =
  'the machine is shared and noisy (other services and processes run beside the bench); these are medians of few ' +
  'decisions. Ollama serves at most OLLAMA_NUM_PARALLEL requests at once (scripts/ollama.sh starts it with 1 unless ' +
  'set) and the CPU it runs on bounds it further, so the concurrency speed-up measures the server, not the agent.';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function printText(meta: Record<string, string>, rows: readonly Row[], summary: readonly VariantSummary[], ratio: Record<string, number>): void {
  const out: string[] = ['', `agent bench (${new Date().toISOString()})`];
  const width = Math.max(...Object.keys(meta).map((key) => key.length));
  for (const [key, value] of Object.entries(meta)) out.push(`  ${key.padEnd(width)}  ${value}`);
  out.push('', 'per decision (interleaved in this order):');
  const purposes = (row: Row): string => Object.entries(row.callsByPurpose).map(([purpose, count]) => `${purpose} ${count}`).join(', ');
  out.push(table(['round', 'variant', 'conc', 'calls', 'prompt tok', 'compl tok', 'wall ms', 'decision', 'calls by purpose'], rows.map((row) => [
    String(row.round), row.variant, String(row.concurrency), String(row.llmCalls), String(row.promptTokens), String(row.completionTokens),
    String(row.wallMs), row.error === null ? `${row.decision}${row.budgetExhausted === null ? '' : ` (budget: ${row.budgetExhausted})`}` : `error: ${row.error}`,
    purposes(row),
  ])));
  out.push('', 'summary (medians per decision):');
  out.push(table(['variant', 'conc', 'n', 'wall ms', 'ms/call', 'calls', 'prompt tok', 'compl tok', 'decisions'], summary.map((entry) => [
    entry.variant, String(entry.concurrency), `${entry.decisions}${entry.errors > 0 ? ` (+${entry.errors} err)` : ''}`, fixed(entry.medianWallMs, 0), fixed(entry.medianMsPerCall, 0),
    fixed(entry.medianCalls, 1), fixed(entry.medianPromptTokens, 0), fixed(entry.medianCompletionTokens, 0), entry.outcomes.join(', '),
  ])));
  out.push('', 'ratios vs the direct baseline (planner / direct):');
  out.push(table(['planner', 'calls', 'tokens', 'wall time'], [
    ['sequential (conc 1)', fixed(ratio.plannerSeqOverDirectCalls ?? Number.NaN, 1), fixed(ratio.plannerSeqOverDirectTokens ?? Number.NaN, 1), fixed(ratio.plannerSeqOverDirectTime ?? Number.NaN, 1)],
    ['concurrent', fixed(ratio.plannerParOverDirectCalls ?? Number.NaN, 1), fixed(ratio.plannerParOverDirectTokens ?? Number.NaN, 1), fixed(ratio.plannerParOverDirectTime ?? Number.NaN, 1)],
  ]));
  out.push('', `concurrency speed-up, sequential / concurrent: ${fixed(ratio.concurrencySpeedUp ?? Number.NaN)}× median wall time per decision, ` +
    `${fixed(ratio.concurrencySpeedUpPerCall ?? Number.NaN)}× median wall time per call (the fair one when the two took different paths)`);
  out.push('', `note: ${NOTE}`, '');
  process.stdout.write(out.join('\n'));
}

async function main(): Promise<void> {
  const config = benchConfig();
  const options = parseOptions(process.argv.slice(2), config);
  const input = loadInput(options.alerts);
  const model = await checkOllama(config);
  const { seed } = options;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort(new Error('interrupted')));
  const llm = await openLlm(config, options.threads, stop.signal);
  const bench: Bench = { llm, config, options, input, prompts: loadPromptSet(), seed, stop: stop.signal };
  const log = (text: string): void => void process.stderr.write(`${text}\n`);
  const benchStarted = performance.now();
  try {
    log(`warm-up (loads the model): ${await warmUp(bench)} ms`);
    const rows: Row[] = [];
    for (let round = 1; round <= options.repeat; round++) {
      for (const variant of VARIANTS) {
        await coldStart(bench);
        const row = await decide(bench, variant, round);
        log(`round ${round} ${variant}: ${row.llmCalls} calls, ${row.promptTokens}+${row.completionTokens} tokens, ${row.wallMs} ms, ${row.error ?? row.decision}`);
        rows.push(row);
      }
    }
    const totalMs = Math.round(performance.now() - benchStarted);
    const summary = summarise(rows, options);
    const ratio = ratios(summary);
    const used = rows.reduce((sum, row) => ({ calls: sum.calls + row.llmCalls, tokens: sum.tokens + row.promptTokens + row.completionTokens }), { calls: 0, tokens: 0 });
    const meta: Record<string, string> = {
      model,
      'input': `${input.alerts.length} digital-twin Snort alerts (${LOGS.slice(ROOT.length + 1)}), system: ${input.systemPath}`,
      'budget per decision': `N=${options.candidates} candidates, M=${options.rollouts} rollouts, H=${options.depth} depth, max ${config.agent.maxLlmCallsPerStep} calls, timeout ${options.timeoutMs} ms`,
      'prompts and calls': `evidence ≤ ${config.agent.evidenceChars} chars, profile ${config.llm.profile}, num_ctx ≤ ${config.llm.contextSize} (sized per call), per-call timeout ${config.llm.timeoutMs} ms, num_thread ${options.threads ?? 'model default'}`,
      'sampling': `seed ${seed}, temperature ${config.llm.temperature}, top_p ${config.llm.topP}`,
      'variants': `direct | planner conc 1 | planner conc ${options.concurrency}; ${options.repeat} decisions each, interleaved`,
      'budget used': `${(totalMs / 1000).toFixed(1)} s wall, ${used.calls} LLM calls, ${used.tokens} tokens (warm-up excluded)`,
    };
    if (options.json) process.stdout.write(`${JSON.stringify({ meta, options, rows, summary, ratios: ratio, note: NOTE }, null, 2)}\n`);
    else printText(meta, rows, summary, ratio);
  } finally {
    await llm.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
