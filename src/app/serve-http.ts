import type { Kafka } from 'kafkajs';
import type { Config } from '../config';
import type { MessageProducer } from '../core/ports/messaging';
import { indexNames, type DocumentStore } from '../core/ports/store';
import { ErrorCodes, IraError } from '../errors';
import type { Logger } from '../logger';
import { feedbackRecord } from './feedback';
import { createKafkaProbe } from './http-kafka-probe';
import type { ServeMetrics } from './http-metrics';
import { createReadiness, type ReadinessCheck } from './http-readiness';
import { startHttpEndpoint, type HttpEndpoint } from './http-server';

/** Each readiness check's limit, and how long one report is reused. */
export const READINESS_TIMEOUT_MS = 2000;
export const READINESS_CACHE_MS = 5000;

export interface ServeHttp {
  readonly endpoint: HttpEndpoint;
  /** The stages are up: /readyz may answer 200 from now on. */
  markStarted(): void;
  /** The model the agent stage loaded (embedded) is in memory; Ollama is checked over HTTP instead. */
  markModelLoaded(): void;
  /** The shared producer, once created: POST /v1/feedback answers 503 until then. */
  setProducer(producer: MessageProducer): void;
  close(): Promise<void>;
}

async function ollamaCheck(config: Config['llm'], signal: AbortSignal): Promise<void> {
  const response = await fetch(new URL('/api/tags', config.ollama.host), { signal });
  if (!response.ok) throw new IraError(ErrorCodes.llmUnavailable, `Ollama answered HTTP ${response.status}`, { retryable: true });
  const body = (await response.json()) as { models?: { name?: string }[] };
  const wanted = config.ollama.model.includes(':') ? config.ollama.model : `${config.ollama.model}:latest`;
  if (!(body.models ?? []).some((model) => model.name === wanted)) {
    throw new IraError(ErrorCodes.modelUnavailable, `Ollama does not serve ${config.ollama.model} (ollama pull ${config.ollama.model})`);
  }
}

/** `ira serve`'s HTTP endpoint with its readiness checks (Kafka, store, model) and the metrics' lag reader. */
export async function startServeHttp(config: Config, kafka: Kafka, store: DocumentStore, metrics: ServeMetrics, logger: Logger): Promise<ServeHttp> {
  const probe = createKafkaProbe(kafka, READINESS_TIMEOUT_MS);
  const indices = indexNames(config.store.indexPrefix);
  let modelLoaded = false;
  let producer: MessageProducer | undefined;
  const checks: ReadinessCheck[] = [
    { name: 'kafka', check: () => probe.check() },
    // A get by id of a document that never exists: a round trip to the cluster, 404 and all.
    { name: 'store', check: async (signal) => void (await store.get(indices.incidents, '__ira_readyz__', signal)) },
  ];
  if (config.agent.enabled) {
    checks.push({
      name: 'model',
      check: async (signal) => {
        if (config.llm.provider === 'ollama') return ollamaCheck(config.llm, signal);
        if (!modelLoaded) throw new IraError(ErrorCodes.modelUnavailable, 'the embedded model is not loaded yet');
      },
    });
  }
  const readiness = createReadiness(checks, { timeoutMs: READINESS_TIMEOUT_MS, cacheMs: READINESS_CACHE_MS });
  const { topics, groups } = config.kafka;
  metrics.setLagReader(() =>
    probe.lag([
      { group: groups.triage, topic: topics.alerts },
      ...(config.agent.enabled ? [{ group: groups.agent, topic: topics.incidentEvents }] : []),
      { group: groups.feedback, topic: topics.feedback },
    ]),
  );
  const endpoint = await startHttpEndpoint({
    host: config.http.host,
    port: config.http.port,
    registry: metrics.registry,
    readiness,
    logger: logger.child({ component: 'http' }),
    feedback: {
      token: config.http.token,
      recommendationExists: async (id) => (await store.get(indices.recommendations, id, AbortSignal.timeout(5000))) !== undefined,
      send: async (message) => {
        if (!producer) throw new IraError(ErrorCodes.kafkaUnavailable, 'starting: the Kafka producer is not connected yet', { retryable: true });
        await producer.send(topics.feedback, [feedbackRecord(message)], AbortSignal.timeout(10_000));
        return { topic: topics.feedback };
      },
    },
  });
  return {
    endpoint,
    markStarted: () => readiness.markStarted(),
    markModelLoaded: () => void (modelLoaded = true),
    setProducer: (value) => void (producer = value),
    close: async () => {
      await endpoint.close();
      await probe.close();
    },
  };
}
