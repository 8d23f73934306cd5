import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { MessageProducer, OutboundMessage } from '../../core/ports/messaging';
import { abortedError } from '../../retry';
import { translateKafkaError } from './translate-error';

/**
 * Idempotent producer with acks from all in-sync replicas. Sends are serialised: kafkajs' idempotent producer
 * keeps one sequence number per partition and concurrent sends to one partition can race on it. kafkajs has no
 * AbortSignal, so an abort stops the wait, not the send (which is harmless: the write is idempotent downstream).
 */
export async function createKafkaProducer(kafka: Kafka): Promise<MessageProducer> {
  // Unlimited retries: the idempotent producer's ordering guarantee needs them (kafkajs warns otherwise); an outage
  // is bounded by the caller's signal instead.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Murmur2 on the key, as the Java client: an incident's events land on the partition any Kafka tool expects.
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10000 },
  });
  try {
    await producer.connect();
  } catch (error) {
    throw translateKafkaError(error, 'producer connect');
  }
  let queue: Promise<unknown> = Promise.resolve();

  async function sendNow(topic: string, messages: readonly OutboundMessage[]): Promise<void> {
    try {
      await producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.None,
        messages: messages.map((message) => ({
          key: message.key,
          value: message.value,
          ...(message.headers ? { headers: message.headers } : {}),
        })),
      });
    } catch (error) {
      throw translateKafkaError(error, `produce to ${topic}`);
    }
  }

  return {
    send(topic, messages, signal) {
      if (messages.length === 0) return Promise.resolve();
      if (signal.aborted) return Promise.reject(abortedError(signal, 'kafka send'));
      const sent = queue.then(() => sendNow(topic, messages));
      queue = sent.catch(() => undefined);
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(abortedError(signal, 'kafka send'));
        signal.addEventListener('abort', onAbort, { once: true });
        sent.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    },
    async close() {
      await queue;
      await producer.disconnect();
    },
  };
}
