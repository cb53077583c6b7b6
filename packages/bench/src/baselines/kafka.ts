import { createKafka, MessageConsumer, MessageProducer, MessagingAdmin } from '@payhook/messaging';

/**
 * The Kafka client's own ceiling on this machine: the outbox relay's producer settings
 * (idempotent, acks=all, batches) and the dispatcher's consumer, through a topic with the
 * events topic's partitions, messages the size of a payment event.
 */
export async function kafkaBaseline(options: { brokers: string; topic: string; messages: number; batchSize: number }): Promise<number> {
  const kafka = createKafka({ brokers: options.brokers, clientId: 'payhook-bench', log: () => undefined });
  const admin = new MessagingAdmin(kafka);
  await admin.ensureTopics([{ topic: options.topic, partitions: 6 }]);
  const producer = new MessageProducer(kafka);
  let consumed = 0;
  let allConsumed!: () => void;
  const done = new Promise<void>((resolve) => (allConsumed = resolve));
  const consumer = new MessageConsumer(kafka, {
    groupId: `${options.topic}.consumer`,
    topics: [options.topic],
    fromBeginning: true,
    handler: async (messages) => {
      consumed += messages.length;
      if (consumed >= options.messages) allConsumed();
    },
  });
  try {
    await consumer.start();
    await producer.connect();
    const value = JSON.stringify({ id: 'evt_'.padEnd(40, '0'), type: 'payment.succeeded', data: { object: { padding: 'x'.repeat(380) } } });
    const started = performance.now();
    for (let sent = 0; sent < options.messages; sent += options.batchSize) {
      const size = Math.min(options.batchSize, options.messages - sent);
      await producer.send(options.topic, Array.from({ length: size }, (_, i) => ({ key: `pay_${(sent + i) % 997}`, value })));
    }
    await done;
    return (options.messages * 1000) / (performance.now() - started);
  } finally {
    await consumer.stop();
    await producer.disconnect();
    await admin.deleteTopics([options.topic]).catch(() => undefined);
    await admin.disconnect();
  }
}
