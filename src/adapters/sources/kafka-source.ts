import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { Config } from '../../config';
import { ErrorCodes, IraError } from '../../errors';
import type { Logger } from '../../logger';
import { createKafka } from '../kafka/kafka-client';
import { translateKafkaError } from '../kafka/translate-error';
import type { AlertSource, RawRecord, ReplayInput } from '../../core/ports/alert-source';

/**
 * Alerts from a Kafka topic between two positions, per partition: [from, to). A position is an offset (`1200`, the
 * same on every partition, or `0:1200,1:900` per partition) or an instant (ISO time: the first offset at or after
 * it, as the broker's time index says). Without `from` reading starts at the oldest offset; without `to` it stops at
 * the end offsets seen when the replay started. A throwaway consumer group is used and deleted afterwards; nothing
 * is committed, so live consumers are not affected.
 */
export type KafkaPosition =
  | { readonly kind: 'offsets'; readonly all?: bigint; readonly byPartition: ReadonlyMap<number, bigint> }
  | { readonly kind: 'time'; readonly ms: number };

export interface KafkaSourceOptions {
  readonly topic: string;
  readonly from?: KafkaPosition;
  readonly to?: KafkaPosition;
  readonly maxAlerts: number;
}

/** "1200" | "0:1200,1:900" | an ISO instant. */
export function parseKafkaPosition(text: string): KafkaPosition {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { kind: 'offsets', all: BigInt(trimmed), byPartition: new Map() };
  if (/^\d+:\d+(,\d+:\d+)*$/.test(trimmed)) {
    const pairs = trimmed.split(',').map((pair) => pair.split(':') as [string, string]);
    return { kind: 'offsets', byPartition: new Map(pairs.map(([p, o]) => [Number(p), BigInt(o)])) };
  }
  const ms = Date.parse(trimmed);
  if (Number.isNaN(ms)) throw new IraError(ErrorCodes.configInvalid, `not a Kafka offset or ISO time: ${text}`);
  return { kind: 'time', ms };
}

interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

async function resolvePosition(admin: Admin, topic: string, position: KafkaPosition, fallback: Map<number, bigint>): Promise<Map<number, bigint>> {
  if (position.kind === 'offsets') {
    return new Map([...fallback].map(([partition, offset]) => [partition, position.byPartition.get(partition) ?? position.all ?? offset]));
  }
  const found = await admin.fetchTopicOffsetsByTimestamp(topic, position.ms);
  // -1 means no message at or after the instant: the partition's end.
  return new Map(found.map(({ partition, offset }) => [partition, offset === '-1' ? (fallback.get(partition) ?? 0n) : BigInt(offset)]));
}

export async function partitionRanges(admin: Admin, options: KafkaSourceOptions): Promise<PartitionRange[]> {
  const offsets = await admin.fetchTopicOffsets(options.topic);
  const low = new Map(offsets.map((o) => [o.partition, BigInt(o.low)]));
  const high = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  const starts = options.from === undefined ? low : await resolvePosition(admin, options.topic, options.from, high);
  const ends = options.to === undefined ? high : await resolvePosition(admin, options.topic, options.to, high);
  return offsets.map(({ partition }) => {
    const lowest = low.get(partition) ?? 0n;
    const highest = high.get(partition) ?? 0n;
    const clamp = (value: bigint) => (value < lowest ? lowest : value > highest ? highest : value);
    return { partition, start: clamp(starts.get(partition) ?? lowest), end: clamp(ends.get(partition) ?? highest) };
  });
}

function toRecord(value: Buffer | null, origin: string): RawRecord {
  const raw = value?.toString('utf8') ?? '';
  return { raw, origin, text: !raw.trimStart().startsWith('{') };
}

async function consumeRanges(kafka: Kafka, options: KafkaSourceOptions, ranges: PartitionRange[], signal: AbortSignal): Promise<RawRecord[]> {
  const groupId = `ira-replay-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const records: Array<RawRecord & { key: [number, bigint] }> = [];
  const pending = new Set(ranges.filter((r) => r.start < r.end).map((r) => r.partition));
  const ends = new Map(ranges.map((r) => [r.partition, r.end]));
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const onAbort = () => finish();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (pending.size === 0) return [];
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition) ?? 0n;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset >= end || records.length >= options.maxAlerts) break;
          records.push({ ...toRecord(message.value, `${options.topic}/${batch.partition}@${message.offset}`), key: [batch.partition, offset] });
        }
        const next = BigInt(batch.lastOffset()) + 1n;
        if (next >= end || records.length >= options.maxAlerts) pending.delete(batch.partition);
        if (pending.size === 0) finish();
        await Promise.resolve();
      },
    });
    for (const range of ranges) consumer.seek({ topic: options.topic, partition: range.partition, offset: range.start.toString() });
    await finished;
    signal.throwIfAborted();
  } finally {
    signal.removeEventListener('abort', onAbort);
    await consumer.stop().catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect().then(() => admin.deleteGroups([groupId])).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  // Partition order, then offset order; the replay sorts by alert time afterwards.
  records.sort((a, b) => a.key[0] - b.key[0] || (a.key[1] < b.key[1] ? -1 : a.key[1] > b.key[1] ? 1 : 0));
  return records.map(({ raw, origin, text }) => ({ raw, origin, text }));
}

export function kafkaSource(config: Config['kafka'], options: KafkaSourceOptions, logger: Logger): AlertSource {
  const show = (p?: KafkaPosition) => (p === undefined ? '' : p.kind === 'time' ? new Date(p.ms).toISOString() : p.all?.toString() ?? [...p.byPartition].map(([k, v]) => `${k}:${v}`).join(','));
  const description = `kafka topic ${options.topic} [${show(options.from) || 'oldest'}, ${show(options.to) || 'end'})`;
  return {
    description,
    async read(signal: AbortSignal): Promise<ReplayInput> {
      const kafka = createKafka(config, logger, 'warn');
      const admin = kafka.admin();
      let ranges: PartitionRange[];
      try {
        await admin.connect();
        ranges = await partitionRanges(admin, options);
      } catch (error) {
        throw translateKafkaError(error, `reading offsets of ${options.topic}`);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      const records = await consumeRanges(kafka, options, ranges, signal).catch((error: unknown) => {
        throw IraError.isInstance(error) ? error : translateKafkaError(error, `consuming ${options.topic}`);
      });
      if (records.length === 0) throw new IraError(ErrorCodes.sourceInvalid, `no messages in ${description}`);
      return { name: options.topic, records, files: [] };
    },
  };
}
