import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_TYPE_CATALOGUE } from '@payhook/contracts';
import { ApiErrors, BearerAuthGuard } from '@payhook/platform';
import { eventTypeListSchema } from './event-type-responses';

@ApiTags('events')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('v1')
export class EventTypesController {
  @Get('event-types')
  @ApiOperation({ summary: 'Every event type a webhook can carry, with its JSON Schema and an example' })
  @ApiResponse({ status: 200, description: 'The catalogue', standardSchema: eventTypeListSchema })
  @ApiErrors(401)
  list() {
    return { data: EVENT_TYPE_CATALOGUE };
  }
}
