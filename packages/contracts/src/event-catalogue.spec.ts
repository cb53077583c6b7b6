import { EVENT_TYPE_CATALOGUE, eventSchemaFor } from './event-catalogue';
import { parsePaymentEvent, PAYMENT_EVENT_TYPES } from './payment-events';

describe('event type catalogue', () => {
  it('describes every event type once, in the catalogue order', () => {
    expect(EVENT_TYPE_CATALOGUE.map((t) => t.type)).toEqual([...PAYMENT_EVENT_TYPES]);
  });

  it.each(EVENT_TYPE_CATALOGUE.map((t) => [t.type, t] as const))('%s: its example is a valid event of that type only', (type, entry) => {
    expect(parsePaymentEvent(entry.example)).toEqual({ ok: true, value: entry.example });
    expect(eventSchemaFor(type).safeParse(entry.example).success).toBe(true);
    const other = PAYMENT_EVENT_TYPES.find((t) => t !== type)!;
    expect(eventSchemaFor(other).safeParse(entry.example).success).toBe(false);
  });

  it('gives a JSON Schema that fixes the type, requires the envelope and leaves room for new fields', () => {
    for (const entry of EVENT_TYPE_CATALOGUE) {
      const properties = entry.schema.properties as Record<string, { const?: string }>;
      expect(properties.type.const).toBe(entry.type);
      expect(entry.schema.required).toEqual(expect.arrayContaining(['id', 'type', 'createdAt', 'data']));
      expect(entry.schema.additionalProperties).toBeUndefined();
    }
  });
});
