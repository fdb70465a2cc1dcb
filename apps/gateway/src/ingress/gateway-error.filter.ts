import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { GatewayError } from './gateway.error';

/** Every refusal leaves as the documented ErrorBody with its status (and Retry-After on 503). */
@Catch()
export class GatewayErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let error: GatewayError;
    if (exception instanceof GatewayError) error = exception;
    else if (exception instanceof HttpException && exception.getStatus() === 404) error = new GatewayError('NOT_FOUND', 'No such endpoint');
    else {
      this.log.error(`Unexpected: ${(exception as Error)?.message ?? String(exception)}`);
      error = new GatewayError('INTERNAL_ERROR', 'Unexpected failure; nothing was forwarded');
    }
    if (error.retryAfterSeconds) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    res.status(error.status).json(error.body());
  }
}
