import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexTemplates } from '../../../src/adapters/store/index-templates';
import { NdjsonStore } from '../../../src/adapters/store/ndjson-store';
import { MAX_JSON_DEPTH, MAX_RECORD_BYTES } from '../../../src/core/alert/limits';
import type { BatchControl, InboundMessage, MessageProducer, OutboundMessage } from '../../../src/core/ports/messaging';
import { indexNames } from '../../../src/core/ports/store';
import { createTriageState } from '../../../src/core/triage';
import { silentLogger } from '../../../src/logger';
import { DeadLetter } from '../../../src/stages/dead-letter';
import { createTriagePipeline } from '../../../src/stages/triage/triage-pipeline';

/**
 * The normaliser says which bound refused an unparseable record (`AlertRejection.code`); stage 1's dead letter
 * carries it as `code`, so an operator can tell a record that is too large from one nested too deep without decoding
 * the original. Other rejections carry no code.
 */
const signal = new AbortController().signal;

function message(offset: number, value: string): InboundMessage {
  return { topic: 'alerts', partition: 0, offset: String(offset), key: Buffer.from(`k${offset}`), value: Buffer.from(value), timestamp: '1796200000000' };
}

const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('stage 1 dead letters carry the normaliser code', () => {
  let directory: string;
  let store: NdjsonStore;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ira-dlq-code-'));
    store = await NdjsonStore.open({ directory });
    await store.ensureTemplates(indexTemplates('it'), signal);
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('too-large and too-deep records are dead-lettered with their code; an invalid one without', async () => {
    const sent: OutboundMessage[] = [];
    const producer: MessageProducer = {
      send(topic, messages) {
        if (topic === 'dlq') sent.push(...messages);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    const control: BatchControl = { isRunning: () => true, pause: () => () => undefined, commit: () => Promise.resolve() };
    const pipeline = createTriagePipeline({
      store,
      producer,
      state: createTriageState({ windowMs: 3_600_000 }),
      indices: indexNames('it'),
      topics: { dlq: 'dlq', incidentEvents: 'events' },
      deadLetterMaxBytes: 900_000,
      chunkSize: 100,
      logger: silentLogger,
      signal,
    });
    const inputs = [
      message(0, `{"message":"${'x'.repeat(MAX_RECORD_BYTES)}"}`),
      message(1, nested(MAX_JSON_DEPTH + 50)),
      message(2, '{"note":"no time, no alert"}'),
    ];
    await pipeline.handleBatch({ topic: 'alerts', partition: 0, messages: inputs }, control);

    const letters = sent.map((record) => ({ key: String(record.key), letter: DeadLetter.parse(JSON.parse(String(record.value))) }));
    expect(letters.map(({ key, letter }) => [key, letter.reason, letter.code])).toEqual([
      ['k0', 'unparseable', 'too-large'],
      ['k1', 'unparseable', 'too-deep'],
      ['k2', 'invalid', undefined],
    ]);
    // The too-large original is cut to fit the record limit, and the code survives the cut.
    expect(letters[0]?.letter.original_truncated).toBe(true);
    expect(letters.every(({ letter }) => letter.offset !== '')).toBe(true);
  });
});
