import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The configured `name:token` pairs (INZAGE_TOKENS). */
export const API_TOKENS = Symbol('API_TOKENS');

/**
 * Bearer tokens for the index's audited APIs (inzage), configured as `name:token` pairs; the
 * name is what the audit log records as the actor. Compared in constant time.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly tokens: { name: string; digest: Buffer }[];

  constructor(@Inject(API_TOKENS) spec: string) {
    this.tokens = spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((pair) => {
        const i = pair.indexOf(':');
        return { name: pair.slice(0, i), digest: digest(pair.slice(i + 1)) };
      });
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request & { actor?: string }>();
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message: 'A bearer token is required' });
    const given = digest(header.slice(7).trim());
    const match = this.tokens.find((t) => timingSafeEqual(t.digest, given));
    if (!match) throw new ForbiddenException({ code: 'FORBIDDEN', message: 'This token may not use this API' });
    req.actor = match.name;
    return true;
  }
}
