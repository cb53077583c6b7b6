export * from './wait';
export * from './repo';
export * from './kafka';
export * from './postgres';
export * from './isolation';
export * from './processes';
export * from './webhook-receiver';
export * from './webhook-sender';
