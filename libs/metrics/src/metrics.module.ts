import type { Socket } from 'node:net';
import { Controller, DynamicModule, Get, Global, Inject, Injectable, Module, NotFoundException, Req, Res, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { Metrics, secondsSince } from './metrics';
import type { Histogram } from 'prom-client';

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
    // A Buffer: express would rewrite a string's Content-Type parameters.
    res.send(Buffer.from(body, 'utf8'));
  }
}

/** Request latency per route pattern (not per URL: ids would make a series each). */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  private readonly seconds: Histogram<'method' | 'route' | 'status'>;

  constructor(@Inject(Metrics) metrics: Metrics) {
    this.seconds = metrics.histogram('vir_http_request_duration_seconds', 'HTTP requests answered, by route pattern and status', ['method', 'route', 'status']);
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      this.seconds.observe({ method: req.method, route, status: String(res.statusCode) }, secondsSince(start));
    });
    return next.handle();
  }
}

/** The service's Metrics as a global provider, its /metrics endpoint and the HTTP latency histogram. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(metrics: Metrics): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: Metrics, useValue: metrics }, { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor }],
      exports: [Metrics],
    };
  }
}
