import { parseSamples, total } from './prometheus';

const TEXT = `# HELP payhook_delivery_attempts_total Webhook attempts
# TYPE payhook_delivery_attempts_total counter
payhook_delivery_attempts_total{outcome="delivered",service="webhook-dispatcher"} 12
payhook_delivery_attempts_total{outcome="retrying",service="webhook-dispatcher"} 3
payhook_outbox_depth{service="payment-service"} 0
payhook_odd{label="a \\"quoted\\" value"} 1.5 1700000000000
not a sample line
payhook_nan NaN
`;

describe('parseSamples', () => {
  it('reads names, labels (escapes included) and values, skipping comments and lines that do not parse', () => {
    const samples = parseSamples(TEXT);
    expect(samples).toContainEqual({ name: 'payhook_odd', labels: { label: 'a "quoted" value' }, value: 1.5 });
    expect(samples.map((s) => s.name)).not.toContain('not');
    expect(samples.find((s) => s.name === 'payhook_nan')?.value).toBeNaN();
  });

  it('sums a metric over the samples that carry the given labels', () => {
    const samples = parseSamples(TEXT);
    expect(total(samples, 'payhook_delivery_attempts_total')).toBe(15);
    expect(total(samples, 'payhook_delivery_attempts_total', { outcome: 'delivered' })).toBe(12);
    expect(total(samples, 'payhook_missing')).toBe(0);
  });
});
