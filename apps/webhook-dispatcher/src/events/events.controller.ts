import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BearerAuthGuard, ZodQuery } from '@payhook/platform';
import { listEventsQuery, type ListEventsQuery } from './event-requests';
import { eventsPageSchema } from './event-responses';
import { EventsService } from './events.service';

@ApiTags('events')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('v1')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get('events')
  @ApiOperation({ summary: 'The events held, a page at a time' })
  @ApiResponse({ status: 200, description: 'A page of events', standardSchema: eventsPageSchema })
  @ApiErrors(401)
  list(@ZodQuery(listEventsQuery) query: ListEventsQuery) {
    return this.events.list(query);
  }
}
