import { OrdersSchema1732500000000 } from './1732500000000-orders-schema';

export const migrations = [OrdersSchema1732500000000];
