import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, ZodPipe } from '@payhook/platform';
import { listEventsQuery, type ListEventsQuery } from './event-requests';
import { EventsService } from './events.service';

@ApiTags('events')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('v1')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get('events')
  @ApiOperation({ summary: 'The events held, a page at a time: ?since=&until=&type=&order=asc|desc&limit=&cursor=' })
  list(@Query(new ZodPipe(listEventsQuery, 'query')) query: ListEventsQuery) {
    return this.events.list(query);
  }
}
