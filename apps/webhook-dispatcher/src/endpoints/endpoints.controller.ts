import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, ZodPipe } from '@payhook/platform';
import {
  createEndpointSchema,
  updateEndpointSchema,
  type CreateEndpointRequest,
  type UpdateEndpointRequest,
} from './endpoint-requests';
import { EndpointsService } from './endpoints.service';

@ApiTags('endpoints')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('v1')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Post('endpoints')
  @ApiOperation({ summary: 'Register a webhook endpoint; the answer is the only one, with rotation, that shows its secret' })
  create(@Body(new ZodPipe(createEndpointSchema)) request: CreateEndpointRequest) {
    return this.endpoints.create(request);
  }

  @Post('webhooks/register')
  @ApiOperation({ summary: 'Same as POST /v1/endpoints' })
  register(@Body(new ZodPipe(createEndpointSchema)) request: CreateEndpointRequest) {
    return this.endpoints.create(request);
  }

  @Get('endpoints')
  @ApiOperation({ summary: 'All endpoints' })
  async list() {
    return { data: await this.endpoints.list() };
  }

  @Get('endpoints/:id')
  @ApiOperation({ summary: 'One endpoint' })
  get(@Param('id') id: string) {
    return this.endpoints.get(id);
  }

  @Patch('endpoints/:id')
  @ApiOperation({ summary: 'Change url, eventTypes, description, rateLimitPerSecond, or enable/disable it (status)' })
  update(@Param('id') id: string, @Body(new ZodPipe(updateEndpointSchema)) request: UpdateEndpointRequest) {
    return this.endpoints.update(id, request);
  }

  @Delete('endpoints/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint with its deliveries' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.endpoints.remove(id);
  }

  @Post('endpoints/:id/secret/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'New signing secret; the old one also signs until the overlap window ends' })
  rotate(@Param('id') id: string) {
    return this.endpoints.rotateSecret(id);
  }
}
