import { HistoryWriteTime1732600000000 } from './1732600000000-history-write-time';
import { OrdersSchema1732500000000 } from './1732500000000-orders-schema';

export const migrations = [OrdersSchema1732500000000, HistoryWriteTime1732600000000];
