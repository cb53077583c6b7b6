import { deliveryId } from './delivery-id';

describe('deliveryId', () => {
  it('sorts in creation order, within one millisecond too', () => {
    const ids = [deliveryId(1_700_000_000_000), deliveryId(1_700_000_000_000), deliveryId(1_700_000_000_000), deliveryId(1_700_000_000_001)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });

  it('has the webhook-id shape: msg_ and 32 hex digits', () => {
    expect(deliveryId()).toMatch(/^msg_[0-9a-f]{32}$/);
  });
});
