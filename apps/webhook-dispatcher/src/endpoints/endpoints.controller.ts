import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BearerAuthGuard, IdempotencyKey, IdempotencyKeys, ZodBody } from '@payhook/platform';
import type { FastifyReply } from 'fastify';
import {
  createEndpointSchema,
  updateEndpointSchema,
  type CreateEndpointRequest,
  type UpdateEndpointRequest,
} from './endpoint-requests';
import { endpointListSchema, endpointSchema, endpointWithSecretSchema, rotatedSecretSchema } from './endpoint-responses';
import { EndpointsService } from './endpoints.service';

@ApiTags('endpoints')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('v1')
export class EndpointsController {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly idempotency: IdempotencyKeys,
  ) {}

  @Post('endpoints')
  @ApiOperation({ summary: 'Register a webhook endpoint; the answer is the only one, with rotation, that shows its secret' })
  @ApiResponse({ status: 201, description: 'Registered', standardSchema: endpointWithSecretSchema })
  @ApiErrors(401, 409, 422)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  create(
    @ZodBody(createEndpointSchema) request: CreateEndpointRequest,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.idempotency.respond(response, key, { route: 'create-endpoint', request }, 201, (tx) => this.endpoints.create(tx, request));
  }

  @Post('webhooks/register')
  @ApiOperation({ summary: 'Same as POST /v1/endpoints' })
  @ApiResponse({ status: 201, description: 'Registered', standardSchema: endpointWithSecretSchema })
  @ApiErrors(401, 409, 422)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  register(
    @ZodBody(createEndpointSchema) request: CreateEndpointRequest,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.create(request, key, response);
  }

  @Get('endpoints')
  @ApiOperation({ summary: 'All endpoints' })
  @ApiResponse({ status: 200, description: 'Every endpoint, oldest first', standardSchema: endpointListSchema })
  @ApiErrors(401)
  async list() {
    return { data: await this.endpoints.list() };
  }

  @Get('endpoints/:id')
  @ApiOperation({ summary: 'One endpoint' })
  @ApiResponse({ status: 200, description: 'The endpoint', standardSchema: endpointSchema })
  @ApiErrors(401, 404)
  get(@Param('id') id: string) {
    return this.endpoints.get(id);
  }

  @Patch('endpoints/:id')
  @ApiOperation({ summary: 'Change url, eventTypes, description, rateLimitPerSecond, or enable/disable it (status)' })
  @ApiResponse({ status: 200, description: 'The endpoint as changed', standardSchema: endpointSchema })
  @ApiErrors(401, 404, 409, 422)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  update(
    @Param('id') id: string,
    @ZodBody(updateEndpointSchema) request: UpdateEndpointRequest,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.idempotency.respond(response, key, { route: 'update-endpoint', id, request }, 200, (tx) => this.endpoints.update(tx, id, request));
  }

  @Delete('endpoints/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint with its deliveries' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiErrors(401, 404, 409)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async remove(@Param('id') id: string, @IdempotencyKey() key: string | undefined, @Res({ passthrough: true }) response: FastifyReply): Promise<void> {
    await this.idempotency.respond(response, key, { route: 'delete-endpoint', id }, 204, (tx) => this.endpoints.remove(tx, id));
  }

  @Post('endpoints/:id/secret/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'New signing secret; the old one also signs until the overlap window ends' })
  @ApiResponse({ status: 200, description: 'The new secret', standardSchema: rotatedSecretSchema })
  @ApiErrors(401, 404, 409)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  rotate(@Param('id') id: string, @IdempotencyKey() key: string | undefined, @Res({ passthrough: true }) response: FastifyReply) {
    return this.idempotency.respond(response, key, { route: 'rotate-secret', id }, 200, (tx) => this.endpoints.rotateSecret(tx, id));
  }
}
