export * from './topics';
export * from './payment-events';
export * from './event-catalogue';
