import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { BearerTokens } from '@vir/config';

/** The configured `name:token` pairs (INZAGE_TOKENS). */
export const API_TOKENS = Symbol('API_TOKENS');

/**
 * Bearer tokens for the index's audited APIs (inzage), configured as `name:token` pairs; the
 * name is what the audit log records as the actor. Compared in constant time.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly tokens: BearerTokens;

  constructor(@Inject(API_TOKENS) spec: string) {
    this.tokens = BearerTokens.parse(spec);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request & { actor?: string }>();
    const name = this.tokens.nameFor(req.headers.authorization);
    if (name === null) throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message: 'A bearer token is required' });
    if (name === undefined) throw new ForbiddenException({ code: 'FORBIDDEN', message: 'This token may not use this API' });
    req.actor = name;
    return true;
  }
}
