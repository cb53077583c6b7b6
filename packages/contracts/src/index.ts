export * from './topics';
export * from './payment-events';
