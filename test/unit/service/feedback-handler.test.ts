import type { BatchControl, InboundMessage, MessageProducer, OutboundMessage } from '../../../src/core/ports/messaging';
import type { Document, DocumentStore, StoredDocument, WriteOperation, WriteOutcome } from '../../../src/core/ports/store';
import { silentLogger } from '../../../src/logger';
import { createFeedbackHandler } from '../../../src/stages/feedback/feedback-handler';
import { IncidentEvent } from '../../../src/stages/incident-event';

const indices = { incidents: 't-incidents', recommendations: 't-recommendations' };
const topics = { dlq: 'fb.dlq', incidentEvents: 'events' };

/** A map-backed store with the port's update semantics (objects merge key by key); enough for the feedback stage. */
function memoryStore(seed: Record<string, Document>): DocumentStore & { docs: Map<string, Document> } {
  const docs = new Map(Object.entries(seed));
  const merge = (target: Document, patch: Document): Document => {
    const out: Document = { ...target };
    for (const [key, value] of Object.entries(patch)) {
      const current = out[key];
      out[key] =
        value !== null && typeof value === 'object' && !Array.isArray(value) && current !== null && typeof current === 'object' && !Array.isArray(current)
          ? merge(current as Document, value as Document)
          : value;
    }
    return out;
  };
  return {
    docs,
    ensureTemplates: () => Promise.resolve(),
    bulk: (operations: readonly WriteOperation[]) =>
      Promise.resolve(
        operations.map((operation): WriteOutcome => {
          const key = `${operation.index}/${operation.id}`;
          const stored = docs.get(key);
          if (operation.op !== 'update') throw new Error('unexpected write');
          if (!stored) return { status: 'not-found', id: operation.id };
          docs.set(key, merge(stored, operation.doc));
          return { status: 'written', id: operation.id, result: 'updated', seqNo: 1, primaryTerm: 1 };
        }),
      ),
    get: (index: string, id: string) => {
      const source = docs.get(`${index}/${id}`);
      return Promise.resolve(source === undefined ? undefined : ({ id, source, seqNo: 0, primaryTerm: 1 } as StoredDocument));
    },
    search: () => Promise.reject(new Error('unexpected search')),
    refresh: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

function recordingProducer(): MessageProducer & { sent: { topic: string; message: OutboundMessage }[] } {
  const sent: { topic: string; message: OutboundMessage }[] = [];
  return {
    sent,
    send: (topic, messages) => {
      for (const message of messages) sent.push({ topic, message });
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

const control = (commits: string[]): BatchControl => ({ isRunning: () => true, pause: () => () => undefined, commit: (offset) => {
    commits.push(offset);
    return Promise.resolve();
  },
});

function record(value: unknown, offset: number): InboundMessage {
  return { topic: 'ira.feedback', partition: 0, offset: String(offset), key: null, value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), timestamp: '1' };
}

const seed = (): Record<string, Document> => ({
  't-recommendations/inc-1:0': { step: 0, ira: { status: 'recommended' } },
  't-incidents/inc-1': { id: 'inc-1', version: 4, status: 'open', alert_count: 9, unique_alert_count: 7, score: 71, max_severity: 80, last_seen: '2026-06-10T13:00:00Z' },
});

function setup() {
  const store = memoryStore(seed());
  const producer = recordingProducer();
  const handler = createFeedbackHandler({ store, producer, indices, topics, logger: silentLogger, signal: new AbortController().signal, now: () => new Date('2026-06-10T14:00:00Z') });
  return { store, producer, handler };
}

describe('feedback stage', () => {
  test('executed: the recommendation status changes and a feedback event for the incident is produced, then committed', async () => {
    const { store, producer, handler } = setup();
    const commits: string[] = [];
    await handler.handleBatch({ topic: 'ira.feedback', partition: 0, messages: [record({ recommendation_id: 'inc-1:0', status: 'executed', comment: 'blocked at fw-1', feedback_id: 'f-1' }, 7)] }, control(commits));
    const recommendation = store.docs.get('t-recommendations/inc-1:0') as { ira: { status: string; feedback: Record<string, unknown> } };
    expect(recommendation.ira.status).toBe('executed');
    expect(recommendation.ira.feedback).toMatchObject({ id: 'f-1', status: 'executed', comment: 'blocked at fw-1' });
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]?.topic).toBe('events');
    expect(producer.sent[0]?.message.key).toBe('inc-1');
    const event = IncidentEvent.parse(JSON.parse(String(producer.sent[0]?.message.value)));
    expect(event).toMatchObject({ kind: 'feedback', incident_id: 'inc-1', version: 4, alert_ids: [], feedback: [{ id: 'f-1', step: 0, status: 'executed', comment: 'blocked at fw-1' }] });
    expect(commits).toEqual(['7']);
    expect(handler.counters).toMatchObject({ received: 1, applied: 1, events: 1, deadLettered: 0 });
  });

  test('false-positive closes the incident and produces no event; the recommendation is rejected', async () => {
    const { store, producer, handler } = setup();
    await handler.handleBatch({ topic: 'ira.feedback', partition: 0, messages: [record({ recommendation_id: 'inc-1:0', status: 'false-positive' }, 1)] }, control([]));
    expect(store.docs.get('t-incidents/inc-1')).toMatchObject({ status: 'closed', ira: { closed: { reason: 'false-positive', recommendation_id: 'inc-1:0' } } });
    expect(store.docs.get('t-recommendations/inc-1:0')).toMatchObject({ ira: { status: 'rejected', feedback: { status: 'false-positive' } } });
    expect(producer.sent).toEqual([]);
    expect(handler.counters.closed).toBe(1);
  });

  describe('the incident summary follows the feedback', () => {
    const latest = (id: string) => ({ id, message: 'Block 10.0.2.5 at the perimeter (contain)', status: 'recommended', action_kind: 'block-ip', '@timestamp': '2026-06-10T13:30:00Z' });
    function withSummary(latestId: string) {
      const store = memoryStore({
        ...seed(),
        't-recommendations/inc-1:0': { step: 0, message: 'Block 10.0.2.5 at the perimeter (contain): scan from it', ira: { status: 'recommended' } },
        't-incidents/inc-1': { ...seed()['t-incidents/inc-1'], ira: { summary: { alerts: 9, latest_recommendation: latest(latestId) } } },
      });
      const handler = createFeedbackHandler({ store, producer: recordingProducer(), indices, topics, logger: silentLogger, signal: new AbortController().signal, now: () => new Date('2026-06-10T14:00:00Z') });
      return { store, handler };
    }
    const summaryOf = (store: ReturnType<typeof memoryStore>) => (store.docs.get('t-incidents/inc-1') as { ira: { summary: { alerts: number; latest_recommendation: Record<string, unknown> } } }).ira.summary;

    test.each([
      ['executed', 'executed'],
      ['accepted', 'accepted'],
      ['false-positive', 'rejected'],
    ])('%s on the latest recommendation: ira.summary.latest_recommendation.status is %s, with its message', async (status, expected) => {
      const { store, handler } = withSummary('inc-1:0');
      await handler.handleBatch({ topic: 'ira.feedback', partition: 0, messages: [record({ recommendation_id: 'inc-1:0', status }, 1)] }, control([]));
      expect(summaryOf(store).latest_recommendation).toEqual({
        ...latest('inc-1:0'),
        status: expected,
        message: 'Block 10.0.2.5 at the perimeter (contain): scan from it',
      });
      expect(summaryOf(store).alerts).toBe(9);
    });

    test('feedback on an older recommendation leaves the summary of the newer one alone', async () => {
      const { store, handler } = withSummary('inc-1:1');
      await handler.handleBatch({ topic: 'ira.feedback', partition: 0, messages: [record({ recommendation_id: 'inc-1:0', status: 'executed' }, 1)] }, control([]));
      expect(summaryOf(store).latest_recommendation).toEqual(latest('inc-1:1'));
    });
  });

  test.each([
    ['unparseable', '{"recommendation_id": "inc-1:0",', 'unparseable'],
    ['invalid status', { recommendation_id: 'inc-1:0', status: 'done' }, 'invalid'],
    ['not a recommendation id', { recommendation_id: 'inc-1', status: 'executed' }, 'invalid'],
    ['unknown recommendation', { recommendation_id: 'inc-1:9', status: 'executed' }, 'unknown-recommendation'],
  ])('%s → the dead letter with its reason and the original bytes, and the offset is committed', async (_name, value, reason) => {
    const { producer, handler } = setup();
    const commits: string[] = [];
    const input = record(value, 3);
    await handler.handleBatch({ topic: 'ira.feedback', partition: 0, messages: [input] }, control(commits));
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]?.topic).toBe('fb.dlq');
    const letter = JSON.parse(String(producer.sent[0]?.message.value)) as { reason: string; original_base64: string; offset: string };
    expect(letter.reason).toBe(reason);
    expect(Buffer.from(letter.original_base64, 'base64').equals(input.value as Buffer)).toBe(true);
    expect(producer.sent[0]?.message.headers).toEqual({ 'ira-reason': reason });
    expect(commits).toEqual(['3']);
  });

  test('a message without feedback_id gets an id derived from its content, the same on redelivery', async () => {
    const { producer, handler } = setup();
    const message = { recommendation_id: 'inc-1:0', status: 'rejected', reported_at: '2026-06-10T13:59:00Z' };
    await handler.handleBatch({ topic: 'ira.feedback', partition: 0, messages: [record(message, 1), record(message, 2)] }, control([]));
    const ids = producer.sent.map((item) => (JSON.parse(String(item.message.value)) as IncidentEvent).feedback?.[0]?.id);
    expect(ids[0]).toMatch(/^fb-/);
    expect(ids[1]).toBe(ids[0]);
  });
});
