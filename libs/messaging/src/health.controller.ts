import { Controller, Get, HttpCode, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KAFKA } from './messaging.module';

/**
 * Liveness (`/health/live`) and readiness (`/health/ready`, checks PostgreSQL and Kafka for
 * real). `/health` is the readiness answer, for scripts and load balancers.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Optional() private readonly ds?: DataSource,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get(['', 'ready'])
  @HttpCode(200)
  async ready(): Promise<{ status: 'ok'; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    let ok = true;
    if (this.ds) {
      try {
        await this.ds.query('SELECT 1');
        checks.postgres = 'ok';
      } catch (e) {
        ok = false;
        checks.postgres = (e as Error).message;
      }
    }
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      checks.kafka = 'ok';
    } catch (e) {
      ok = false;
      checks.kafka = (e as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (!ok) throw new ServiceUnavailableException({ status: 'unavailable', checks });
    return { status: 'ok', checks };
  }
}
