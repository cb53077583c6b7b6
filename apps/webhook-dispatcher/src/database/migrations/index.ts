import { DispatcherSchema1732400000000 } from './1732400000000-dispatcher-schema';

export const migrations = [DispatcherSchema1732400000000];
