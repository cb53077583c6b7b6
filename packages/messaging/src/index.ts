export { createKafka, parseBrokers, type KafkaCluster, type KafkaLog, type KafkaSettings } from './kafka-client';
export { MessageProducer, type OutgoingMessage } from './producer';
export { MessageConsumer, type BatchHandler, type ConsumerOptions, type IncomingMessage } from './consumer';
export { MessagingAdmin, type TopicSpec } from './admin';
export { chunkBySize, messageSize } from './message-size';
export { isRecordRefused } from './kafka-errors';
