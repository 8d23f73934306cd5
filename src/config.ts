import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { agentConfigFromSettings, type AgentConfig, type AgentConfigInput } from './core/agent/agent-config';
import { LlmProfileNames, LlmProfiles, type LlmProfileName } from './core/llm/profiles';
import { DEFAULT_TRIAGE_OPTIONS } from './core/triage/types';
import { ErrorCodes, IraError } from './errors';

/**
 * The only reader of the environment. Each setting is an `IRA_*` variable; an optional JSON file named by
 * `IRA_CONFIG_FILE` supplies the same keys (environment wins). Defaults sit beside each field.
 * Sections are handed to adapters (`config.kafka`, `config.elasticsearch`, ...); adapters never read process.env.
 */
const bool = z.stringbool();
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();
const list = z.string().transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

const EnvSchema = z.object({
  IRA_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

  IRA_KAFKA_BROKERS: list.default(['127.0.0.1:9092']),
  IRA_KAFKA_CLIENT_ID: z.string().min(1).default('ira'),
  IRA_KAFKA_SSL: bool.default(false),
  IRA_KAFKA_SSL_CA_FILE: z.string().optional(),
  IRA_KAFKA_SSL_REJECT_UNAUTHORIZED: bool.default(true),
  IRA_KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  IRA_KAFKA_SASL_USERNAME: z.string().optional(),
  IRA_KAFKA_SASL_PASSWORD: z.string().optional(),
  IRA_TOPIC_ALERTS: z.string().min(1).default('ira.alerts'),
  IRA_TOPIC_DLQ: z.string().min(1).default('ira.alerts.dlq'),
  IRA_TOPIC_INCIDENT_EVENTS: z.string().min(1).default('ira.incident-events'),
  IRA_TOPIC_ACTIONS: z.string().min(1).default('ira.actions'),
  IRA_TOPIC_INCIDENT_EVENTS_DLQ: z.string().min(1).default('ira.incident-events.dlq'),
  // Dead letters are cut to fit (reason, sha256, a prefix of the original) under the broker's 1 MB record limit.
  IRA_DLQ_MAX_RECORD_BYTES: z.coerce.number().int().min(1024).default(900000),
  IRA_PUBLISH_ACTIONS: bool.default(false),
  IRA_GROUP_TRIAGE: z.string().min(1).default('ira-triage'),
  IRA_GROUP_AGENT: z.string().min(1).default('ira-agent'),
  IRA_TOPIC_FEEDBACK: z.string().min(1).default('ira.feedback'),
  IRA_TOPIC_FEEDBACK_DLQ: z.string().min(1).default('ira.feedback.dlq'),
  IRA_GROUP_FEEDBACK: z.string().min(1).default('ira-feedback'),
  IRA_KAFKA_CREATE_TOPICS: bool.default(true),
  IRA_KAFKA_TOPIC_PARTITIONS: positiveInt.default(3),
  IRA_KAFKA_SESSION_TIMEOUT_MS: positiveInt.default(30000),
  IRA_CONNECTORS_DIR: z.string().optional(),

  IRA_STORE_FLAVOR: z.enum(['elasticsearch', 'opensearch']).default('elasticsearch'),
  IRA_ES_NODE: z.url().default('http://127.0.0.1:9200'),
  IRA_ES_API_KEY: z.string().optional(),
  IRA_ES_USERNAME: z.string().optional(),
  IRA_ES_PASSWORD: z.string().optional(),
  IRA_ES_CA_FILE: z.string().optional(),
  IRA_ES_TLS_REJECT_UNAUTHORIZED: bool.default(true),
  IRA_ES_REQUEST_TIMEOUT_MS: positiveInt.default(30000),
  IRA_INDEX_PREFIX: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lower-case index name prefix').default('ira'),

  IRA_LLM_PROVIDER: z.enum(['embedded', 'ollama']).default('embedded'),
  IRA_OLLAMA_HOST: z.url().default('http://127.0.0.1:11434'),
  IRA_OLLAMA_MODEL: z.string().min(1).default('deepseek-r1:14b'),
  IRA_EMBEDDED_MODEL_PATH: z.string().optional(),
  IRA_MODEL_DIR: z.string().optional(),
  /** Unset: deepseek-r1 for Ollama, smollm2 for the embedded model (src/core/llm/profiles.ts). */
  IRA_LLM_PROFILE: z.enum(LlmProfileNames).optional(),
  /** Unset: the profile's context window. The largest num_ctx a call may ask for; the embedded model's context. */
  IRA_LLM_CONTEXT_SIZE: positiveInt.optional(),
  IRA_LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.6),
  IRA_LLM_TOP_P: z.coerce.number().gt(0).max(1).default(0.9),
  IRA_LLM_SEED: nonNegativeInt.default(42),
  IRA_LLM_TIMEOUT_MS: positiveInt.default(120000),
  /** Unset: half the CPUs, at least 1 (docs/llm.md "Threads"). */
  IRA_LLM_THREADS: positiveInt.optional(),

  /** Unset: the planning budget of the profile (planningDefaults below): the papers' 3/3/10, or 2/2/3 for smollm2. */
  IRA_AGENT_CANDIDATES: positiveInt.optional(),
  IRA_AGENT_ROLLOUTS: positiveInt.optional(),
  IRA_AGENT_DEPTH: positiveInt.optional(),
  IRA_AGENT_PRECISION_THRESHOLD: z.coerce.number().min(0).max(1).default(0.7),
  IRA_AGENT_CONSISTENCY_BETA: z.coerce.number().nonnegative().default(0.9),
  IRA_AGENT_CONSISTENCY_GAMMA: z.coerce.number().min(0).max(1).default(0.5),
  IRA_AGENT_ROLLOUT_CONCURRENCY: positiveInt.default(3),
  IRA_AGENT_MAX_LLM_CALLS_PER_STEP: positiveInt.default(200),
  IRA_AGENT_MAX_TOKENS_PER_STEP: positiveInt.default(200000),
  IRA_AGENT_STEP_TIMEOUT_MS: positiveInt.default(1800000),
  IRA_AGENT_EVIDENCE_CHARS: positiveInt.default(6000),
  IRA_AGENT_COALESCE_MS: nonNegativeInt.default(2000),
  IRA_AGENT_MAX_BATCH: positiveInt.default(500),
  IRA_AGENT_INCIDENT_CONCURRENCY: positiveInt.default(1),
  IRA_AGENT_ENABLED: bool.default(true),
  IRA_AGENT_SYSTEM_DESCRIPTION_FILE: z.string().min(1).optional(),
  // Stage 2's priority and budget: events below the score (or closed) are recorded as not analysed, never stepped.
  IRA_AGENT_MIN_SCORE: z.coerce.number().min(0).max(100).default(20),
  IRA_AGENT_QUEUE_MAX: positiveInt.default(1000),
  // 0 = no limit; model-seconds are the steps' wall time.
  IRA_AGENT_LLM_CALLS_PER_HOUR: nonNegativeInt.default(0),
  IRA_AGENT_MODEL_SECONDS_PER_HOUR: nonNegativeInt.default(0),
  // A step that fails this many times goes to IRA_TOPIC_INCIDENT_EVENTS_DLQ; retries (and an unavailable LLM) back off.
  IRA_AGENT_MAX_ATTEMPTS: positiveInt.default(3),
  IRA_AGENT_RETRY_BASE_MS: positiveInt.default(5000),
  IRA_AGENT_RETRY_MAX_MS: positiveInt.default(600000),

  IRA_DASHBOARDS_API_KEY: z.string().optional(),
  IRA_DASHBOARDS_USERNAME: z.string().optional(),
  IRA_DASHBOARDS_PASSWORD: z.string().optional(),

  IRA_TRIAGE_WINDOW_MINUTES: positiveInt.default(60),
  // Triage's limits are the pure core's own defaults (src/core/triage/types.ts), written there once.
  IRA_TRIAGE_MAX_TRACKED_INCIDENTS: positiveInt.default(DEFAULT_TRIAGE_OPTIONS.maxTrackedIncidents),
  IRA_TRIAGE_HUB_MERGE_LIMIT: positiveInt.default(DEFAULT_TRIAGE_OPTIONS.hubMergeLimit),
  IRA_TRIAGE_MAX_MERGE_FANOUT: positiveInt.default(DEFAULT_TRIAGE_OPTIONS.maxMergeFanOut),
  IRA_TRIAGE_MAX_CLOCK_AHEAD_MS: nonNegativeInt.default(DEFAULT_TRIAGE_OPTIONS.maxClockAheadMs),
  IRA_TRIAGE_MAX_CLOCK_BEHIND_MS: nonNegativeInt.default(DEFAULT_TRIAGE_OPTIONS.maxClockBehindMs),
  IRA_TRIAGE_MAX_MEMORY_BYTES: positiveInt.default(DEFAULT_TRIAGE_OPTIONS.maxMemoryBytes),
  IRA_INGEST_BATCH_SIZE: positiveInt.default(2000),
  IRA_INGEST_CONCURRENCY: positiveInt.default(3),

  IRA_REPLAY_MAX_STEPS: positiveInt.default(10),
  IRA_REPLAY_CHUNK_SIZE: positiveInt.default(500),
  IRA_REPLAY_MAX_INCIDENTS: positiveInt.default(5),
  IRA_REPLAY_MAX_ALERTS: positiveInt.default(50000),
  IRA_REPLAY_CONTEXT_CHARS: nonNegativeInt.default(3000),
  IRA_REPLAY_OUT_DIR: z.string().min(1).default('out'),
  // `ira eval --judge llm`: the judge model, never the agent's own (Ollama tag, or a GGUF path for the embedded provider).
  IRA_EVAL_JUDGE_PROVIDER: z.enum(['embedded', 'ollama']).optional(),
  IRA_EVAL_JUDGE_MODEL: z.string().min(1).optional(),
  // Answer budget of one verdict, room for a reasoning model's thinking included (a verdict itself is < 150 tokens).
  IRA_EVAL_JUDGE_MAX_TOKENS: positiveInt.default(4096),
  IRA_EVAL_JUDGE_CONTEXT_SIZE: positiveInt.default(8192),
  IRA_STORE_RETRY_MAX_MS: positiveInt.default(30000),
  // `ira serve`'s HTTP endpoint (/healthz, /readyz, /metrics, POST /v1/feedback): loopback unless told otherwise.
  IRA_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  IRA_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  // Bearer token of POST /v1/feedback; unset = the endpoint answers 503 (disabled).
  IRA_HTTP_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  IRA_ALERTS_RETENTION_DAYS: positiveInt.default(90),
});

export type Env = z.infer<typeof EnvSchema>;

function readConfigFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new IraError(ErrorCodes.configInvalid, `IRA_CONFIG_FILE: cannot read ${path} as JSON`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new IraError(ErrorCodes.configInvalid, `IRA_CONFIG_FILE: ${path} must hold a JSON object of IRA_* keys`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
}

function storeAuth(env: Env): { apiKey: string } | { username: string; password: string } | undefined {
  if (env.IRA_ES_API_KEY) return { apiKey: env.IRA_ES_API_KEY };
  if (env.IRA_ES_USERNAME) return { username: env.IRA_ES_USERNAME, password: env.IRA_ES_PASSWORD ?? '' };
  return undefined;
}

type SaslMechanism = NonNullable<Env['IRA_KAFKA_SASL_MECHANISM']>;

function kafkaSasl(env: Env, context: z.RefinementCtx): { mechanism: SaslMechanism; username: string; password: string } | undefined {
  if (!env.IRA_KAFKA_SASL_MECHANISM) return undefined;
  if (!env.IRA_KAFKA_SASL_USERNAME || env.IRA_KAFKA_SASL_PASSWORD === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['IRA_KAFKA_SASL_USERNAME'],
      message: 'IRA_KAFKA_SASL_MECHANISM is set, so IRA_KAFKA_SASL_USERNAME and IRA_KAFKA_SASL_PASSWORD are required',
    });
    return undefined;
  }
  return { mechanism: env.IRA_KAFKA_SASL_MECHANISM, username: env.IRA_KAFKA_SASL_USERNAME, password: env.IRA_KAFKA_SASL_PASSWORD };
}

/** Parses the environment (plus the optional file) into a Config, or throws one IraError naming every bad setting. */
/** `IRA_*` names that are not settings of the service: the test and install scripts' own, and the file pointer. */
const NOT_SETTINGS = new Set(['IRA_CONFIG_FILE', 'IRA_CACHE', 'IRA_SERVICES', 'IRA_KEEP_SERVICES']);

/**
 * `IRA_*` variables that name no setting: a typo or a setting that no longer exists (IRA_LLM_MAX_TOKENS, say) would
 * otherwise be ignored in silence. The CLI warns about each; loading still succeeds.
 */
export function unknownSettings(environment: NodeJS.ProcessEnv = process.env): string[] {
  const known = new Set(Object.keys(EnvSchema.shape));
  return Object.keys(environment)
    .filter((key) => key.startsWith('IRA_') && !key.startsWith('IRA_TEST_') && !NOT_SETTINGS.has(key) && !known.has(key))
    .sort();
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const fromFile = environment.IRA_CONFIG_FILE ? readConfigFile(environment.IRA_CONFIG_FILE) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [key, value] of Object.entries(environment)) {
    if (key.startsWith('IRA_') && value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new IraError(ErrorCodes.configInvalid, `invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** Leaves unset settings out, so a section's optional fields can be given partially (tests, adapters' own callers). */
function optional<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/**
 * llama.cpp threads spin while they wait for each other: on a loaded 2-core machine one thread was about 10× faster
 * than two (docs/llm.md). Half the CPUs is about the physical cores and leaves the rest to the service.
 */
function defaultThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/**
 * The planning budget (N candidates, M rollouts, depth H) when IRA_AGENT_CANDIDATES/ROLLOUTS/DEPTH are unset. A served
 * model (deepseek-r1, generic) gets the papers' N=3, M=3, H=10. SmolLM2, the embedded default, runs on the CPU: there
 * N=2, M=2, H=3 (at most about 25 calls a step, most of them short thanks to prefix reuse), so one agent step of a
 * 37-alert digital-twin incident finished in about 4 minutes on 2 shared, loaded cores (docs/replay.md "How long a
 * step takes"). The papers' budget is one flag away: `--budget paper` (ira replay, ira eval).
 */
const planningDefaults: Readonly<Record<LlmProfileName, { candidates: number; rollouts: number; depth: number }>> = {
  'deepseek-r1': { candidates: 3, rollouts: 3, depth: 10 },
  generic: { candidates: 3, rollouts: 3, depth: 10 },
  smollm2: { candidates: 2, rollouts: 2, depth: 3 },
};

function profileOf(env: Env): LlmProfileName {
  return env.IRA_LLM_PROFILE ?? (env.IRA_LLM_PROVIDER === 'ollama' ? 'deepseek-r1' : 'smollm2');
}

function llmSection(env: Env) {
  const profile = profileOf(env);
  return {
    provider: env.IRA_LLM_PROVIDER,
    profile,
    ollama: { host: env.IRA_OLLAMA_HOST, model: env.IRA_OLLAMA_MODEL },
    embedded: optional({ modelPath: env.IRA_EMBEDDED_MODEL_PATH, modelDir: env.IRA_MODEL_DIR }),
    contextSize: env.IRA_LLM_CONTEXT_SIZE ?? LlmProfiles[profile].contextWindow,
    temperature: env.IRA_LLM_TEMPERATURE,
    topP: env.IRA_LLM_TOP_P,
    seed: env.IRA_LLM_SEED,
    timeoutMs: env.IRA_LLM_TIMEOUT_MS,
    threads: env.IRA_LLM_THREADS ?? defaultThreads(),
  };
}

function dashboardsAuth(env: Env): { apiKey: string } | { username: string; password: string } | undefined {
  if (env.IRA_DASHBOARDS_API_KEY) return { apiKey: env.IRA_DASHBOARDS_API_KEY };
  if (env.IRA_DASHBOARDS_USERNAME) return { username: env.IRA_DASHBOARDS_USERNAME, password: env.IRA_DASHBOARDS_PASSWORD ?? '' };
  return undefined;
}

function toConfig(env: Env, context: z.RefinementCtx) {
  return {
    /** `ira dashboards install`: credentials for Kibana / OpenSearch Dashboards (API key, or basic auth). */
    dashboards: { auth: dashboardsAuth(env) },
    logLevel: env.IRA_LOG_LEVEL,
    kafka: {
      brokers: env.IRA_KAFKA_BROKERS,
      clientId: env.IRA_KAFKA_CLIENT_ID,
      ssl: { enabled: env.IRA_KAFKA_SSL, caFile: env.IRA_KAFKA_SSL_CA_FILE, rejectUnauthorized: env.IRA_KAFKA_SSL_REJECT_UNAUTHORIZED },
      sasl: kafkaSasl(env, context),
      topics: {
        alerts: env.IRA_TOPIC_ALERTS,
        dlq: env.IRA_TOPIC_DLQ,
        incidentEvents: env.IRA_TOPIC_INCIDENT_EVENTS,
        actions: env.IRA_TOPIC_ACTIONS,
        feedback: env.IRA_TOPIC_FEEDBACK,
        feedbackDlq: env.IRA_TOPIC_FEEDBACK_DLQ,
        incidentEventsDlq: env.IRA_TOPIC_INCIDENT_EVENTS_DLQ,
      },
      deadLetterMaxBytes: env.IRA_DLQ_MAX_RECORD_BYTES,
      groups: { triage: env.IRA_GROUP_TRIAGE, agent: env.IRA_GROUP_AGENT, feedback: env.IRA_GROUP_FEEDBACK },
      publishActions: env.IRA_PUBLISH_ACTIONS,
      createTopics: env.IRA_KAFKA_CREATE_TOPICS,
      topicPartitions: env.IRA_KAFKA_TOPIC_PARTITIONS,
      sessionTimeoutMs: env.IRA_KAFKA_SESSION_TIMEOUT_MS,
      connectorsDir: env.IRA_CONNECTORS_DIR,
    },
    store: {
      flavor: env.IRA_STORE_FLAVOR,
      node: env.IRA_ES_NODE,
      auth: storeAuth(env),
      caFile: env.IRA_ES_CA_FILE,
      rejectUnauthorized: env.IRA_ES_TLS_REJECT_UNAUTHORIZED,
      requestTimeoutMs: env.IRA_ES_REQUEST_TIMEOUT_MS,
      indexPrefix: env.IRA_INDEX_PREFIX,
      retryMaxMs: env.IRA_STORE_RETRY_MAX_MS,
      alertsRetentionDays: env.IRA_ALERTS_RETENTION_DAYS,
    },
    llm: llmSection(env),
    agent: {
      candidates: env.IRA_AGENT_CANDIDATES ?? planningDefaults[profileOf(env)].candidates,
      rollouts: env.IRA_AGENT_ROLLOUTS ?? planningDefaults[profileOf(env)].rollouts,
      depth: env.IRA_AGENT_DEPTH ?? planningDefaults[profileOf(env)].depth,
      precisionThreshold: env.IRA_AGENT_PRECISION_THRESHOLD,
      consistencyBeta: env.IRA_AGENT_CONSISTENCY_BETA,
      consistencyGamma: env.IRA_AGENT_CONSISTENCY_GAMMA,
      rolloutConcurrency: env.IRA_AGENT_ROLLOUT_CONCURRENCY,
      maxLlmCallsPerStep: env.IRA_AGENT_MAX_LLM_CALLS_PER_STEP,
      maxTokensPerStep: env.IRA_AGENT_MAX_TOKENS_PER_STEP,
      stepTimeoutMs: env.IRA_AGENT_STEP_TIMEOUT_MS,
      evidenceChars: env.IRA_AGENT_EVIDENCE_CHARS,
      coalesceMs: env.IRA_AGENT_COALESCE_MS,
      maxBatch: env.IRA_AGENT_MAX_BATCH,
      incidentConcurrency: env.IRA_AGENT_INCIDENT_CONCURRENCY,
      enabled: env.IRA_AGENT_ENABLED,
      systemDescriptionFile: env.IRA_AGENT_SYSTEM_DESCRIPTION_FILE,
      minScore: env.IRA_AGENT_MIN_SCORE,
      queueMax: env.IRA_AGENT_QUEUE_MAX,
      llmCallsPerHour: env.IRA_AGENT_LLM_CALLS_PER_HOUR,
      modelSecondsPerHour: env.IRA_AGENT_MODEL_SECONDS_PER_HOUR,
      maxAttempts: env.IRA_AGENT_MAX_ATTEMPTS,
      retryBaseMs: env.IRA_AGENT_RETRY_BASE_MS,
      retryMaxMs: env.IRA_AGENT_RETRY_MAX_MS,
    },
    http: { host: env.IRA_HTTP_HOST, port: env.IRA_HTTP_PORT, token: env.IRA_HTTP_TOKEN },
    triage: {
      windowMinutes: env.IRA_TRIAGE_WINDOW_MINUTES,
      batchSize: env.IRA_INGEST_BATCH_SIZE,
      concurrency: env.IRA_INGEST_CONCURRENCY,
      options: {
        windowMs: env.IRA_TRIAGE_WINDOW_MINUTES * 60_000,
        maxTrackedIncidents: env.IRA_TRIAGE_MAX_TRACKED_INCIDENTS,
        hubMergeLimit: env.IRA_TRIAGE_HUB_MERGE_LIMIT,
        maxMergeFanOut: env.IRA_TRIAGE_MAX_MERGE_FANOUT,
        maxClockAheadMs: env.IRA_TRIAGE_MAX_CLOCK_AHEAD_MS,
        maxClockBehindMs: env.IRA_TRIAGE_MAX_CLOCK_BEHIND_MS,
        maxMemoryBytes: env.IRA_TRIAGE_MAX_MEMORY_BYTES,
      },
    },
    replay: {
      maxSteps: env.IRA_REPLAY_MAX_STEPS,
      chunkSize: env.IRA_REPLAY_CHUNK_SIZE,
      maxIncidents: env.IRA_REPLAY_MAX_INCIDENTS,
      maxAlerts: env.IRA_REPLAY_MAX_ALERTS,
      contextChars: env.IRA_REPLAY_CONTEXT_CHARS,
      outDir: env.IRA_REPLAY_OUT_DIR,
    },
    evalJudge: {
      provider: env.IRA_EVAL_JUDGE_PROVIDER,
      model: env.IRA_EVAL_JUDGE_MODEL,
      maxTokens: env.IRA_EVAL_JUDGE_MAX_TOKENS,
      contextSize: env.IRA_EVAL_JUDGE_CONTEXT_SIZE,
    },
  };
}

/**
 * The environment schema and its reading into sections: each setting and its default are written once, above; the
 * `Config` type is what this schema produces, never written by hand.
 */
export const ConfigSchema = EnvSchema.transform(toConfig);
export type Config = z.output<typeof ConfigSchema>;

/** Named overrides of the agent's knobs (tests, ablations, CLI budget flags); budgets and features merge field by field. */
export type AgentConfigOverrides = Omit<Partial<AgentConfigInput>, 'budgets' | 'features'> & {
  readonly budgets?: Partial<AgentConfigInput['budgets']>;
  readonly features?: AgentConfigInput['features'];
};

/** The agent step's knobs from a configuration, with named overrides. */
export function agentConfigOf(config: Config, overrides: AgentConfigOverrides = {}): AgentConfig {
  const base = agentConfigFromSettings(config.agent, config.llm);
  return agentConfigFromSettings(config.agent, config.llm, {
    ...overrides,
    budgets: { ...base.budgets, ...overrides.budgets },
    features: { ...base.features, ...overrides.features },
  });
}

/**
 * The agent step's knobs at the shipped defaults (what an empty environment gives) with the papers' planning budget,
 * N=3, M=3, H=10, whatever the profile: what tests of the method reason about. An empty environment itself gives the
 * smollm2 profile's CPU budget (planningDefaults).
 */
export function defaultAgentConfig(overrides: AgentConfigOverrides = {}): AgentConfig {
  return agentConfigOf(loadConfig({ IRA_AGENT_CANDIDATES: '3', IRA_AGENT_ROLLOUTS: '3', IRA_AGENT_DEPTH: '10' }), overrides);
}
