import { Controller, Get, Inject, Injectable } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { MessagingAdmin } from '@payhook/messaging';
import { DataSource } from 'typeorm';

@Injectable()
export class InfrastructureIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(MessagingAdmin) private readonly admin: MessagingAdmin | null,
  ) {}

  /** Whether this app uses Kafka at all (order-service does not). */
  get usesKafka(): boolean {
    return this.admin !== null;
  }

  async postgres() {
    const check = this.indicators.check('postgres');
    try {
      await this.dataSource.query('SELECT 1');
      return check.up();
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  async kafka() {
    const check = this.indicators.check('kafka');
    try {
      const brokers = await this.admin!.ping(2000);
      return check.up({ brokers });
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}

/** GET /health: 200 when Postgres (and Kafka, where the app uses it) answer, 503 with the failing part otherwise. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: InfrastructureIndicators,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    const postgres = () => this.indicators.postgres();
    const kafka = () => this.indicators.kafka();
    return this.health.check(this.indicators.usesKafka ? [postgres, kafka] : [postgres]);
  }
}
