import type { Socket } from 'node:net';
import { Controller, DynamicModule, Get, Global, Inject, Module, NotFoundException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Metrics } from './metrics';

/** `GET /metrics` in the Prometheus text format. Never on a TLS listener (the gateway's party port). */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if ((req.socket as Socket & { encrypted?: boolean }).encrypted) throw new NotFoundException();
    const body = await this.metrics.exposition();
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  }
}

/** The service's Metrics as a global provider, and its /metrics endpoint. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(metrics: Metrics): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: Metrics, useValue: metrics }],
      exports: [Metrics],
    };
  }
}
