/** The chaos run's ledger: what was done, what came out, and whether the promise held. */
export interface Ledger {
  ordersPlaced: number;
  ordersInCorrectFinalState: number;
  eventsPublished: number;
  eventsDeliveredToOrderService: number;
  deliveriesMade: number;
  duplicateDeliveriesSeen: number;
  lostOrders: number;
  lostEvents: number;
  duplicatePayments: number;
  duplicateOrderChanges: number;
  faults: Record<string, number>;
}

export function lost(ledger: Ledger): number {
  return ledger.lostOrders + ledger.lostEvents;
}

export function duplicateEffects(ledger: Ledger): number {
  return ledger.duplicatePayments + ledger.duplicateOrderChanges;
}

export function formatLedger(ledger: Ledger): string {
  const rows: Array<[string, number | string]> = [
    ['orders placed', ledger.ordersPlaced],
    ['orders in the correct final state', ledger.ordersInCorrectFinalState],
    ['payment events published', ledger.eventsPublished],
    ['events delivered to order-service', ledger.eventsDeliveredToOrderService],
    ['deliveries made (2xx)', ledger.deliveriesMade],
    ['duplicate deliveries seen by order-service', ledger.duplicateDeliveriesSeen],
    ['LOST (orders not settled + events not delivered)', lost(ledger)],
    ['DUPLICATE EFFECTS (second payments + changes applied twice)', duplicateEffects(ledger)],
    ...Object.entries(ledger.faults).map(([kind, n]): [string, number] => [`faults: ${kind}`, n]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return ['chaos ledger', ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
