import { Controller, Get, HttpCode, Inject, OnApplicationShutdown, Optional, ServiceUnavailableException } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KAFKA } from './messaging.module';

/**
 * Liveness (`/health/live`) and readiness (`/health/ready`, checks PostgreSQL and Kafka for
 * real). `/health` is the readiness answer, for scripts and load balancers.
 */
@Controller('health')
export class HealthController implements OnApplicationShutdown {
  /** One admin connection for every probe, not a new one per request. */
  private admin?: Admin;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Optional() private readonly ds?: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

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
    try {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      await this.admin.describeCluster();
      checks.kafka = 'ok';
    } catch (e) {
      ok = false;
      checks.kafka = (e as Error).message;
      // Start afresh next time: the connection may be what failed.
      await this.onApplicationShutdown();
    }
    if (!ok) throw new ServiceUnavailableException({ status: 'unavailable', checks });
    return { status: 'ok', checks };
  }
}
