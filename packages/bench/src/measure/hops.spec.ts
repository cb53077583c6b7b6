import { hopReport, type EventJourney } from './hops';

const journey = (start: number, i: number): EventJourney => ({
  orderId: `ord_${i}`,
  scheduledAt: start - 100,
  eventCommitted: start,
  publishedToKafka: start + 5,
  deliveryRowCommitted: start + 8,
  webhookSent: start + 9,
  webhookReceived: start + 10,
  orderCommitted: start + 12,
});

describe('hopReport', () => {
  const journeys = Array.from({ length: 11 }, (_, i) => journey(1_000_000 + i * 100, i));
  const report = hopReport(journeys);

  it('splits the end-to-end latency into its hops', () => {
    expect(report.endToEnd.p50).toBe(12);
    expect(report.hops['outbox → Kafka'].p99).toBe(5);
    expect(report.hops['Kafka → delivery row'].p50).toBe(3);
    expect(report.hops['delivery row → webhook sent'].max).toBe(1);
    expect(report.hops['sent → received by order-service'].p50).toBe(1);
    expect(report.hops['received → order committed'].mean).toBe(2);
  });

  it('measures orders from their scheduled time', () => {
    expect(report.orderLatency.p50).toBe(112);
  });

  it('reports each stage at the rate events passed it', () => {
    expect(report.stageRates['orders committed']).toBeCloseTo(10);
  });
});
