import { Module, type DynamicModule } from '@nestjs/common';
import { API_KEY, IDEMPOTENCY_KEYS_RETENTION, IdempotencyKeys, Quarantine, QUARANTINE_CONTROLLER, retentionProvider } from '@payhook/platform';
import { DISPATCHER_CONFIG, type DispatcherConfig } from './config';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DeliveryWorker } from './deliveries/delivery-worker';
import { EndpointsController } from './endpoints/endpoints.controller';
import { EndpointsService } from './endpoints/endpoints.service';
import { EventsController } from './events/events.controller';
import { EventsService } from './events/events.service';
import { EventTypesController } from './event-types/event-types.controller';
import { Housekeeping } from './housekeeping/housekeeping';
import { EventIngest } from './ingest/event-ingest';
import { ListenerHub } from './listeners/listener-hub';
import { ListenersController } from './listeners/listeners.controller';
import { ListenersService } from './listeners/listeners.service';

@Module({})
export class DispatcherModule {
  static register(config: DispatcherConfig): DynamicModule {
    return {
      module: DispatcherModule,
      controllers: [EndpointsController, DeliveriesController, EventsController, EventTypesController, ListenersController, QUARANTINE_CONTROLLER],
      providers: [
        { provide: DISPATCHER_CONFIG, useValue: config },
        { provide: API_KEY, useValue: config.DISPATCHER_API_KEY },
        IdempotencyKeys,
        Quarantine,
        EndpointsService,
        EventsService,
        DeliveriesService,
        DeliveryWorker,
        ListenerHub,
        ListenersService,
        EventIngest,
        Housekeeping,
        retentionProvider([IDEMPOTENCY_KEYS_RETENTION]),
      ],
    };
  }
}
