import { DispatcherSchema1732400000000 } from './1732400000000-dispatcher-schema';
import { EventPublishedAt1732600000000 } from './1732600000000-event-published-at';

export const migrations = [DispatcherSchema1732400000000, EventPublishedAt1732600000000];
