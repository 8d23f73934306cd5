/**
 * Agent bench (`npm run bench:agent`): what one decision costs on a real model, every token accounted. Input: the
 * Snort alerts of the ESORICS'26 digital-twin incident (normalised) and its system description. Three variants on
 * the same model, interleaved A B C A B C … in one process so machine noise falls on all of them:
 *   direct            runDirectStep: the analysis call, one action call, the commit's state prediction;
 *   planner           runAgentStep, prompts sharing their prefix (one nonce per incident) and the model reusing it;
 *   planner-no-reuse  the same planner with prefix reuse off: the embedded adapter evaluates every prompt from an
 *                     empty sequence (EmbeddedLlmOptions.reusePrefix false); on Ollama every call gets a fresh nonce
 *                     at the head of its first message, so the server's prompt cache cannot match it.
 * Per decision: LLM calls, prompt tokens sent, prompt tokens evaluated (cache hits excluded), completion tokens, wall
 * time, the decision. A decision cut by an error still reports what it spent (the step's onUsage readings).
 * Model: loadConfig(process.env); when unset, the embedded SmolLM2-135M (IRA_EMBEDDED_MODEL_PATH, else the model
 * cache: `ira model pull`). Ollama (IRA_LLM_PROVIDER=ollama) works too but does not say how many prompt tokens it took
 * from its cache, so its evaluated count is null.
 * Each embedded decision gets a fresh adapter (its model loaded outside the timing, nothing evaluated), so no
 * decision finds another's prompt in the cache and both planners' first calls are alike; Ollama is unloaded and
 * warmed up with a tiny call between decisions unless --keep-cache.
 * Flags: --candidates N (2) --rollouts M (1) --depth H (2) --repeat K (1) --alerts A (all) --seed S (IRA_LLM_SEED, else 1)
 *        --timeout-ms T (per decision, 480000) --threads T (IRA_LLM_THREADS) --keep-cache --json
 * `--json` prints {"variants":[{"name","calls","promptTokens","evaluatedPromptTokens","completionTokens","wallMs",…}],
 * "aims":…,"decisions":[…],"meta":…}; with --repeat > 1 a variant's figures are medians per decision.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createLlm, type ClosableLlm } from '../src/adapters/llm/create-llm';
import { EmbeddedLlm } from '../src/adapters/llm/embedded-llm';
import { resolveModelPath } from '../src/adapters/model/resolve-model-path';
import { loadPromptSet } from '../src/adapters/prompts/load-prompts';
import { loadConfig, type Config } from '../src/config';
import { agentConfigFromSettings, initialAgentState, runAgentStep, runDirectStep, type AgentConfig, type AgentDeps, type PromptSet } from '../src/core/agent';
import { interruptionRecorder } from '../src/core/agent/interrupted';
import { normalizeAlert } from '../src/core/alert/normalize';
import type { NormalizedAlert } from '../src/core/alert/schema';
import type { LlmPort, LlmRequest } from '../src/core/ports/llm';
import { seededRandom } from '../src/replay/rng';

const ROOT = join(__dirname, '..');
const LOGS = join(ROOT, 'test', 'fixtures', 'alerts', 'snort', 'esorics26-digital-twin', 'logs.txt');
// logs.txt is the 2026-06-10 weak-credential run; its own system description goes with it.
const SYSTEM = join(ROOT, 'datasets', 'digital-twin', 'weak-credential-3', 'system.txt');

const VARIANTS = ['direct', 'planner', 'planner-no-reuse'] as const;
/**
 * With SmolLM2 and this input, seed 1's incident analysis calls it an incident (measured), so the planner plans; with
 * the configured 42, or 7, it answers "no incident" and every variant stops after that one call (nothing to compare).
 */
const DEFAULT_SEED = 1;
type Variant = (typeof VARIANTS)[number];

interface Options {
  candidates: number;
  rollouts: number;
  depth: number;
  repeat: number;
  alerts: number | null;
  threads: number | null;
  keepCache: boolean;
  seed: number;
  timeoutMs: number;
  json: boolean;
}

interface Row {
  round: number;
  name: Variant;
  calls: number;
  promptTokens: number;
  /** Null where the server does not say (Ollama). */
  evaluatedPromptTokens: number | null;
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
      alerts: { type: 'string' }, seed: { type: 'string' }, 'timeout-ms': { type: 'string' }, threads: { type: 'string' },
      'keep-cache': { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
    },
  });
  return {
    candidates: positive('candidates', values.candidates, 2),
    rollouts: positive('rollouts', values.rollouts, 1),
    depth: positive('depth', values.depth, 2),
    repeat: positive('repeat', values.repeat, 1),
    alerts: values.alerts === undefined ? null : positive('alerts', values.alerts, 1),
    threads: values.threads === undefined ? (config.llm.threads ?? null) : positive('threads', values.threads, 1),
    keepCache: values['keep-cache'],
    seed: values.seed === undefined ? (process.env.IRA_LLM_SEED === undefined ? DEFAULT_SEED : config.llm.seed) : positive('seed', values.seed, 0, 0),
    timeoutMs: positive('timeout-ms', values['timeout-ms'], 480_000),
    json: values.json,
  };
}

/** The environment wins; without it the bench runs on the embedded SmolLM2 (the only adapter that counts cache hits). */
function benchConfig(): Config {
  const fromEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('IRA_')));
  return loadConfig({
    IRA_LLM_PROVIDER: 'embedded',
    IRA_OLLAMA_HOST: 'http://127.0.0.1:21434',
    IRA_OLLAMA_MODEL: 'ira-smollm2:135m',
    ...(process.env.IRA_LLM_PROVIDER === 'ollama' ? { IRA_LLM_PROFILE: 'smollm2' } : {}),
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

async function describeModel(config: Config, modelPath: string | null): Promise<string> {
  if (config.llm.provider !== 'ollama') return `embedded ${modelPath ?? '?'}, ${config.llm.threads ?? 'default'} thread(s), context ${config.llm.contextSize}`;
  const { host, model } = config.llm.ollama;
  const tags = await fetch(`${host}/api/tags`, { signal: AbortSignal.timeout(5000) })
    .then((response) => response.json() as Promise<{ models?: { name: string }[] }>)
    .catch((error: unknown) => {
      throw new Error(`Ollama at ${host} does not answer (${String(error)}): bash scripts/services.sh up ollama`);
    });
  if (!(tags.models ?? []).some((entry) => entry.name === model)) throw new Error(`Ollama at ${host} does not serve ${model}: bash scripts/ollama.sh import-model`);
  const version = await fetch(`${host}/api/version`).then((response) => response.json() as Promise<{ version?: string }>);
  return `Ollama ${version.version ?? '?'} at ${host}, model ${model}`;
}

function agentConfig(config: Config, options: Options): AgentConfig {
  return agentConfigFromSettings(
    { ...config.agent, candidates: options.candidates, rollouts: options.rollouts, depth: options.depth, stepTimeoutMs: options.timeoutMs },
    { ...config.llm, seed: options.seed },
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
  readonly config: Config;
  readonly options: Options;
  readonly input: ReturnType<typeof loadInput>;
  readonly prompts: PromptSet;
  readonly modelPath: string | null;
  /** Ollama only: one adapter for every decision. */
  readonly shared: ClosableLlm | null;
  readonly stop: AbortSignal;
}

/** Ollama's planner-no-reuse: a fresh nonce heads each call's first message, so no cached prefix matches. */
function freshNoncePerCall(llm: ClosableLlm): ClosableLlm {
  let calls = 0;
  const nonce = (): string => `${Date.now().toString(36)}-${(calls++).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  return {
    model: llm.model,
    close: () => llm.close(),
    complete: <T>(request: LlmRequest<T>) => {
      const [first, ...rest] = request.messages;
      const messages = first === undefined ? request.messages : [{ ...first, content: `call ${nonce()}\n${first.content}` }, ...rest];
      return llm.complete({ ...request, messages });
    },
  };
}

/** The adapter one decision runs on: embedded, a fresh one (reuse on or off); Ollama, the shared one, emptied. */
async function adapterFor(bench: Bench, variant: Variant): Promise<{ llm: LlmPort; close: () => Promise<void>; warmMs: number }> {
  const reuse = variant !== 'planner-no-reuse';
  if (bench.shared === null) {
    const { config } = bench;
    const llm = new EmbeddedLlm({
      modelPath: bench.modelPath ?? '',
      contextSize: config.llm.contextSize,
      timeoutMs: config.llm.timeoutMs,
      ...(bench.options.threads === null ? {} : { threads: bench.options.threads }),
      reusePrefix: reuse,
    });
    // Loaded, nothing evaluated: both planners' first call starts from an empty sequence, so they answer alike.
    const started = performance.now();
    await llm.load();
    return { llm, close: () => llm.close(), warmMs: Math.round(performance.now() - started) };
  }
  if (!bench.options.keepCache) await unloadOllama(bench);
  const warmMs = await warmUp(bench, bench.shared);
  return { llm: reuse ? bench.shared : freshNoncePerCall(bench.shared), close: () => Promise.resolve(), warmMs };
}

/** Empties Ollama's prompt cache by unloading the model (keep_alive 0). */
async function unloadOllama(bench: Bench): Promise<void> {
  const { ollama } = bench.config.llm;
  const request = { method: 'POST', headers: { 'content-type': 'application/json' }, signal: bench.stop };
  await fetch(`${ollama.host}/api/generate`, { ...request, body: JSON.stringify({ model: ollama.model, keep_alive: 0 }) });
  for (let wait = 0; wait < 100; wait++) {
    const loaded = await fetch(`${ollama.host}/api/ps`, { signal: bench.stop }).then((response) => response.json() as Promise<{ models?: { name: string }[] }>);
    if (!(loaded.models ?? []).some((entry) => entry.name === ollama.model)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ollama: one tiny untimed call so that loading the model is not charged to the decision. */
async function warmUp(bench: Bench, llm: LlmPort): Promise<number> {
  const started = performance.now();
  await llm.complete({
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
  const settings = agentConfig(bench.config, options);
  const adapter = await adapterFor(bench, variant);
  // Same incident id and nonce stream for every variant of a round: identical prompts, so the seeded analysis
  // answers the same and both planner variants take the same path (a 135M model's answer flips with the nonce).
  const recorder = interruptionRecorder();
  const deps: AgentDeps = {
    llm: adapter.llm,
    prompts: bench.prompts,
    now: () => Date.now(),
    random: seededRandom(options.seed * 1000 + round),
    onUsage: recorder.onUsage,
  };
  const state = initialAgentState(`bench-digital-twin-${round}`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(options.timeoutMs)), options.timeoutMs);
  const onStop = (): void => controller.abort(stop.reason);
  stop.addEventListener('abort', onStop, { once: true });
  const step = variant === 'direct' ? runDirectStep : runAgentStep;
  const evaluated = (value: number | undefined, prompt: number): number | null => (bench.shared !== null ? null : (value ?? prompt));
  const started = performance.now();
  try {
    const outcome = await step(state, { alerts: input.alerts, systemDescription: input.system }, deps, settings, controller.signal);
    const { usage, decision, budgetExhausted } = outcome.recommendation;
    return {
      round, name: variant, calls: usage.llmCalls, promptTokens: usage.promptTokens,
      evaluatedPromptTokens: evaluated(usage.evaluatedPromptTokens, usage.promptTokens), completionTokens: usage.completionTokens,
      wallMs: Math.round(performance.now() - started), decision: describeDecision(decision), callsByPurpose: usage.callsByPurpose, budgetExhausted, error: null,
    };
  } catch (error) {
    if (stop.aborted) throw error;
    // What the decision spent before it failed still counts.
    const { usage } = recorder.reading();
    return {
      round, name: variant, calls: usage.llmCalls, promptTokens: usage.promptTokens,
      evaluatedPromptTokens: evaluated(usage.evaluatedPromptTokens, usage.promptTokens), completionTokens: usage.completionTokens,
      wallMs: Math.round(performance.now() - started), decision: 'error', callsByPurpose: usage.callsByPurpose, budgetExhausted: null,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
    await adapter.close();
  }
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

interface VariantSummary {
  name: Variant;
  calls: number;
  promptTokens: number;
  evaluatedPromptTokens: number | null;
  completionTokens: number;
  wallMs: number;
  decisions: number;
  errors: number;
  outcomes: string[];
}

/** Per variant, per decision: the one decision, or the medians over rounds. Failed decisions count too (their spend). */
function summarise(rows: readonly Row[]): VariantSummary[] {
  return VARIANTS.map((name) => {
    const mine = rows.filter((row) => row.name === name);
    const evaluated = mine.map((row) => row.evaluatedPromptTokens);
    return {
      name,
      calls: median(mine.map((row) => row.calls)),
      promptTokens: median(mine.map((row) => row.promptTokens)),
      evaluatedPromptTokens: evaluated.some((value) => value === null) ? null : median(evaluated as number[]),
      completionTokens: median(mine.map((row) => row.completionTokens)),
      wallMs: median(mine.map((row) => row.wallMs)),
      decisions: mine.length,
      errors: mine.filter((row) => row.error !== null).length,
      outcomes: mine.map((row) => row.error === null ? row.decision : `error: ${row.error}`),
    };
  });
}

interface Aims {
  /** planner's evaluated prompt tokens over planner-no-reuse's; aim ≤ 1/3. */
  readonly evaluatedOverNoReuse: number | null;
  readonly evaluatedAimMet: boolean | null;
  /** The same per call: the fair comparison when the two planners made different numbers of calls. */
  readonly evaluatedPerCallOverNoReuse: number | null;
  /** planner's wall time over direct's; aim ≤ 3. */
  readonly wallOverDirect: number;
  readonly wallAimMet: boolean;
  /** Same calls in planner and planner-no-reuse: they took the same path, so the token comparison is like for like. */
  readonly samePath: boolean;
  /** The planner got past the analysis (more than the analysis and the conjecture test): there was planning to measure. */
  readonly planned: boolean;
}

function aims(summary: readonly VariantSummary[]): Aims {
  const find = (name: Variant): VariantSummary | undefined => summary.find((entry) => entry.name === name);
  const direct = find('direct');
  const planner = find('planner');
  const noReuse = find('planner-no-reuse');
  const ratio = planner?.evaluatedPromptTokens == null || noReuse?.evaluatedPromptTokens == null || noReuse.evaluatedPromptTokens === 0
    ? null
    : planner.evaluatedPromptTokens / noReuse.evaluatedPromptTokens;
  const wall = (planner?.wallMs ?? Number.NaN) / (direct?.wallMs ?? Number.NaN);
  const perCall = (entry: VariantSummary | undefined): number | null =>
    entry?.evaluatedPromptTokens == null || entry.calls === 0 ? null : entry.evaluatedPromptTokens / entry.calls;
  const plannerPerCall = perCall(planner);
  const noReusePerCall = perCall(noReuse);
  return {
    evaluatedOverNoReuse: ratio === null ? null : Number(ratio.toFixed(3)),
    evaluatedAimMet: ratio === null ? null : ratio <= 1 / 3,
    evaluatedPerCallOverNoReuse: plannerPerCall === null || noReusePerCall === null || noReusePerCall === 0 ? null : Number((plannerPerCall / noReusePerCall).toFixed(3)),
    wallOverDirect: Number(wall.toFixed(2)),
    wallAimMet: wall <= 3,
    samePath: planner !== undefined && noReuse !== undefined && planner.calls === noReuse.calls,
    planned: (planner?.calls ?? 0) > 2,
  };
}

const NOTE =
  'the machine is shared and noisy (other services and processes run beside the bench; see the load averages); ' +
  'with one round each figure is a single decision. Wall time depends on the load more than on anything else here; ' +
  'the token counts do not.';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const count = (value: number | null): string => (value === null || !Number.isFinite(value) ? '-' : String(Math.round(value)));

function printText(meta: Record<string, string>, rows: readonly Row[], summary: readonly VariantSummary[], aim: Aims): void {
  const out: string[] = ['', `agent bench (${new Date().toISOString()})`];
  const width = Math.max(...Object.keys(meta).map((key) => key.length));
  for (const [key, value] of Object.entries(meta)) out.push(`  ${key.padEnd(width)}  ${value}`);
  out.push('', 'per decision (interleaved in this order):');
  const purposes = (row: Row): string => Object.entries(row.callsByPurpose).map(([purpose, calls]) => `${purpose} ${calls}`).join(', ');
  out.push(table(['round', 'variant', 'calls', 'prompt sent', 'prompt evaluated', 'completion', 'wall ms', 'decision', 'calls by purpose'], rows.map((row) => [
    String(row.round), row.name, String(row.calls), String(row.promptTokens), count(row.evaluatedPromptTokens), String(row.completionTokens), String(row.wallMs),
    row.error === null ? `${row.decision}${row.budgetExhausted === null ? '' : ` (budget: ${row.budgetExhausted})`}` : `error: ${row.error}`,
    purposes(row),
  ])));
  if (summary.some((entry) => entry.decisions > 1)) {
    out.push('', 'per variant (medians per decision):');
    out.push(table(['variant', 'n', 'calls', 'prompt sent', 'prompt evaluated', 'completion', 'wall ms'], summary.map((entry) => [
      entry.name, `${entry.decisions}${entry.errors > 0 ? ` (${entry.errors} err)` : ''}`, count(entry.calls), count(entry.promptTokens),
      count(entry.evaluatedPromptTokens), count(entry.completionTokens), count(entry.wallMs),
    ])));
  }
  const met = (value: boolean | null): string => (value === null ? 'not measurable' : value ? 'met' : 'NOT met');
  out.push('', 'aims:');
  out.push(`  planner evaluated prompt tokens / planner-no-reuse's = ${aim.evaluatedOverNoReuse ?? '-'} (aim ≤ 0.333: ${met(aim.evaluatedAimMet)})` +
    `${aim.samePath ? '' : `; the two planners made different numbers of calls: per call ${aim.evaluatedPerCallOverNoReuse ?? '-'}`}`);
  out.push(`  planner wall time / direct's = ${aim.wallOverDirect} (aim ≤ 3: ${met(aim.wallAimMet)})`);
  if (!aim.planned) out.push('  the analysis ended the planner\'s decision before planning: nothing was planned; try another --seed');
  out.push('', `note: ${NOTE}`, '');
  process.stdout.write(out.join('\n'));
}

const loadText = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const config = benchConfig();
  const options = parseOptions(process.argv.slice(2), config);
  const input = loadInput(options.alerts);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort(new Error('interrupted')));
  const embedded = config.llm.provider !== 'ollama';
  const modelPath = embedded ? (await resolveModelPath(config.llm.embedded, { signal: stop.signal })).path : null;
  const model = await describeModel(config, modelPath);
  const shared = embedded ? null : await createLlm(config.llm, { signal: stop.signal });
  const bench: Bench = { config, options, input, prompts: loadPromptSet(), modelPath, shared, stop: stop.signal };
  const log = (text: string): void => void process.stderr.write(`${text}\n`);
  const loadBefore = loadText();
  const benchStarted = performance.now();
  try {
    const rows: Row[] = [];
    for (let round = 1; round <= options.repeat; round++) {
      for (const variant of VARIANTS) {
        const row = await decide(bench, variant, round);
        const evaluated = row.evaluatedPromptTokens === null ? '' : ` (${row.evaluatedPromptTokens} evaluated)`;
        log(`round ${round} ${variant}: ${row.calls} calls, ${row.promptTokens}${evaluated}+${row.completionTokens} tokens, ${row.wallMs} ms, ${row.error ?? row.decision} [load ${loadText()}]`);
        rows.push(row);
      }
    }
    const totalMs = Math.round(performance.now() - benchStarted);
    const summary = summarise(rows);
    const aim = aims(summary);
    const meta: Record<string, string> = {
      model,
      input: `${input.alerts.length} digital-twin Snort alerts (${LOGS.slice(ROOT.length + 1)}), system: ${input.systemPath}`,
      'budget per decision': `N=${options.candidates} candidates, M=${options.rollouts} rollouts, H=${options.depth} depth, max ${config.agent.maxLlmCallsPerStep} calls, timeout ${options.timeoutMs} ms, rollout concurrency ${config.agent.rolloutConcurrency}`,
      'prompts and calls': `evidence ≤ ${config.agent.evidenceChars} chars, profile ${config.llm.profile}, per-call timeout ${config.llm.timeoutMs} ms`,
      sampling: `seed ${options.seed}, temperature ${config.llm.temperature}, top_p ${config.llm.topP}`,
      variants: `${VARIANTS.join(' | ')}; ${options.repeat} decision(s) each, interleaved; ${embedded ? 'a fresh embedded adapter per decision' : options.keepCache ? 'Ollama, cache kept' : 'Ollama unloaded before each decision'}`,
      'load average': `${loadBefore} at the start, ${loadText()} at the end (1, 5, 15 min)`,
      'bench wall time': `${(totalMs / 1000).toFixed(1)} s (model loads and warm-ups included)`,
    };
    if (options.json) process.stdout.write(`${JSON.stringify({ variants: summary, aims: aim, decisions: rows, meta, options, note: NOTE }, null, 2)}\n`);
    else printText(meta, rows, summary, aim);
  } finally {
    await shared?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
