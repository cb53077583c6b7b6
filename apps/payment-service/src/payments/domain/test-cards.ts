/**
 * Test payment methods, as in a real provider's test mode: the card number (spaces and
 * dashes ignored) or token decides how processing ends.
 */
export type CardOutcome = { result: 'approved' } | { result: 'declined'; code: string };

export const TEST_CARDS: Record<string, { outcome: CardOutcome; description: string }> = {
  '4242424242424242': { outcome: { result: 'approved' }, description: 'Visa: succeeds' },
  '5555555555554444': { outcome: { result: 'approved' }, description: 'Mastercard: succeeds' },
  '4000000000000002': { outcome: { result: 'declined', code: 'card_declined' }, description: 'declined' },
  '4000000000009995': { outcome: { result: 'declined', code: 'insufficient_funds' }, description: 'insufficient funds' },
  '4000000000000069': { outcome: { result: 'declined', code: 'expired_card' }, description: 'expired card' },
  '4000000000000127': { outcome: { result: 'declined', code: 'incorrect_cvc' }, description: 'incorrect CVC' },
  '4000000000000119': { outcome: { result: 'declined', code: 'processing_error' }, description: 'processing error' },
  tok_visa: { outcome: { result: 'approved' }, description: 'token: succeeds' },
  tok_chargeDeclined: { outcome: { result: 'declined', code: 'card_declined' }, description: 'token: declined' },
  tok_chargeDeclinedInsufficientFunds: {
    outcome: { result: 'declined', code: 'insufficient_funds' },
    description: 'token: insufficient funds',
  },
};

/** The canonical form of a payment method, or undefined when it is not a test card or token. */
export function normalizePaymentMethod(value: string): string | undefined {
  const compact = value.startsWith('tok_') ? value : value.replace(/[\s-]/g, '');
  // Own keys only: `in` would also match what every object inherits ("constructor", "toString"…).
  return Object.hasOwn(TEST_CARDS, compact) ? compact : undefined;
}

export function cardOutcome(paymentMethod: string): CardOutcome {
  if (!Object.hasOwn(TEST_CARDS, paymentMethod)) throw new Error(`not a test payment method: ${paymentMethod}`);
  return TEST_CARDS[paymentMethod].outcome;
}
