import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexTemplates } from '../../../src/adapters/store/index-templates';
import { NdjsonStore } from '../../../src/adapters/store/ndjson-store';
import { defaultAgentConfig } from '../../../src/config';
import type { runAgentStep } from '../../../src/core/agent';
import type { BatchControl, InboundMessage, MessageProducer, OutboundMessage } from '../../../src/core/ports/messaging';
import { agentQueueIndex, indexNames } from '../../../src/core/ports/store';
import { silentLogger } from '../../../src/logger';
import { createAgentEventHandler } from '../../../src/stages/agent/agent-event-handler';
import { createAgentJournal } from '../../../src/stages/agent/agent-journal';
import { llmUnavailableOutcome } from '../../../src/stages/agent/llm-unavailable';
import { DeadLetter } from '../../../src/stages/dead-letter';
import type { IncidentEvent } from '../../../src/stages/incident-event';
import { prompts, seededRandom } from '../agent/support/world';

/**
 * Issue 9, point 3: a step that throws is retried with backoff and, after IRA_AGENT_MAX_ATTEMPTS, goes to
 * `ira.incident-events.dlq` with reason `step-failed`; one success before the last attempt ends it normally.
 * The stage-2 handler runs for real (NDJSON store, durable work list, scheduler); only the step is scripted.
 */
const MAX_ATTEMPTS = 3;
const INCIDENT = 'inc-flaky';
const indices = indexNames('t');
const queueIndex = agentQueueIndex('t');

function recordingProducer(): MessageProducer & { sent: { topic: string; message: OutboundMessage }[] } {
  return {
    sent: [],
    send(topic, messages) {
      for (const message of messages) this.sent.push({ topic, message });
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

function eventMessage(offset: number): InboundMessage {
  const at = new Date().toISOString();
  const event: IncidentEvent = {
    kind: 'opened',
    incident_id: INCIDENT,
    version: 1,
    status: 'open',
    alert_ids: [],
    alert_ids_truncated: false,
    alert_count: 3,
    unique_alert_count: 3,
    score: 80,
    max_severity: 3,
    last_seen: at,
    emitted_at: at,
  };
  return { topic: 'events', partition: 0, offset: String(offset), key: Buffer.from(INCIDENT), value: Buffer.from(JSON.stringify(event)), timestamp: String(Date.now()) };
}

async function until(predicate: () => boolean | Promise<boolean>): Promise<void> {
  for (let turn = 0; turn < 5000; turn++) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error('condition never became true');
}

describe('a stage-2 step that keeps throwing', () => {
  let directory: string;
  let store: NdjsonStore;
  let controller: AbortController;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ira-step-failed-'));
    store = await NdjsonStore.open({ directory });
    controller = new AbortController();
    await store.ensureTemplates(indexTemplates('t'), controller.signal);
    // Stage 1 wrote the incident: the step finds it, so the only failure is the step's own.
    await store.bulk([{ op: 'index', index: indices.incidents, id: INCIDENT, document: { id: INCIDENT, status: 'open', score: 80, alert_count: 3 } }], controller.signal);
  });
  afterEach(async () => {
    controller.abort();
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  /** The handler with a step that throws `failures` times, then returns an outcome; the calls are counted. */
  function stage(failures: number) {
    const producer = recordingProducer();
    const commits: string[] = [];
    const calls: number[] = [];
    const step: typeof runAgentStep = (state) => {
      calls.push(Date.now());
      if (calls.length <= failures) return Promise.reject(new Error(`scripted failure ${calls.length}`));
      return Promise.resolve(llmUnavailableOutcome(state, 'scripted outcome', 'scripted', Date.now(), 0));
    };
    const handler = createAgentEventHandler({
      store,
      producer,
      indices,
      journal: createAgentJournal(store, queueIndex),
      deps: { llm: { model: 'scripted', complete: () => Promise.reject(new Error('the scripted step calls no model')) }, prompts, now: Date.now, random: seededRandom() },
      agentConfig: defaultAgentConfig(),
      coalesceMs: 0,
      maxAlertsPerStep: 50,
      incidentConcurrency: 1,
      stepTimeoutMs: 10_000,
      minScore: 20,
      queueMax: 10,
      budget: { llmCallsPerHour: 0, modelSecondsPerHour: 0 },
      maxAttempts: MAX_ATTEMPTS,
      retryBaseMs: 1,
      retryMaxMs: 4,
      deadLetter: { topic: 'events.dlq', sourceTopic: 'events', maxBytes: 900_000 },
      logger: silentLogger,
      signal: controller.signal,
      runStep: step,
      persistRetry: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    const control: BatchControl = {
      isRunning: () => true,
      pause: () => () => undefined,
      commit: (offset) => {
        commits.push(offset);
        return Promise.resolve();
      },
    };
    return { handler, producer, commits, calls, control };
  }

  async function journalStatus(): Promise<unknown> {
    return (await store.get(queueIndex, INCIDENT, controller.signal))?.source['status'];
  }

  test(`throwing ${MAX_ATTEMPTS} times ends in the stage-2 DLQ as step-failed, after the event was committed`, async () => {
    const { handler, producer, commits, calls, control } = stage(Infinity);
    handler.scheduler.start();
    await handler.handleBatch({ topic: 'events', partition: 0, messages: [eventMessage(7)] }, control);
    // Recorded in the work list, then committed: the partition never waits for the step.
    expect(commits).toEqual(['7']);
    await until(() => handler.counters.deadLettered === 1);
    expect(await journalStatus()).toBe('dead-lettered');

    expect(calls).toHaveLength(MAX_ATTEMPTS);
    expect(producer.sent).toHaveLength(1);
    const [sent] = producer.sent;
    expect(sent?.topic).toBe('events.dlq');
    expect(sent?.message.key).toBe(INCIDENT);
    expect(sent?.message.headers?.['ira-reason']).toBe('step-failed');
    const letter = DeadLetter.parse(JSON.parse(String(sent?.message.value)));
    expect(letter).toMatchObject({ reason: 'step-failed', incident_id: INCIDENT, attempts: MAX_ATTEMPTS, topic: 'events' });
    expect(letter.message).toContain(`scripted failure ${MAX_ATTEMPTS}`);
    expect(JSON.parse(Buffer.from(letter.original_base64, 'base64').toString('utf8'))).toMatchObject({ incident_id: INCIDENT, version: 1, score: 80 });
    expect(handler.counters.steps).toBe(0);
  });

  test(`a step that succeeds on attempt ${MAX_ATTEMPTS} is not dead-lettered`, async () => {
    const { handler, producer, calls, control } = stage(MAX_ATTEMPTS - 1);
    handler.scheduler.start();
    await handler.handleBatch({ topic: 'events', partition: 0, messages: [eventMessage(0)] }, control);
    await until(async () => (await journalStatus()) === 'done');
    expect(calls).toHaveLength(MAX_ATTEMPTS);
    expect(producer.sent).toEqual([]);
    expect(handler.counters).toMatchObject({ deadLettered: 0, steps: 1 });
  });
});
