/** Kafka topics, versioned in their name: a breaking change to a payload gets a new topic. */
export const TOPICS = {
  paymentEvents: 'payments.events.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
