import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { GatewayError } from '../ingress/gateway.error';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Operators of the admin API: bearer tokens configured as `name:token` pairs (OPERATOR_TOKENS);
 * the name is the actor in the party audit. Only on the operators' (plain HTTP) port: on the
 * parties' TLS port the admin API does not exist.
 */
export class OperatorAuthenticator {
  private readonly tokens: { name: string; digest: Buffer }[];

  constructor(spec: string) {
    this.tokens = spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((pair) => {
        const i = pair.indexOf(':');
        return { name: pair.slice(0, i), digest: digest(pair.slice(i + 1)) };
      });
  }

  /** The operator's name, or a coded refusal. */
  authenticate(req: { socket: Socket; headers: IncomingHttpHeaders }): string {
    if ((req.socket as Socket & { encrypted?: boolean }).encrypted) throw new GatewayError('NOT_FOUND', 'No such endpoint');
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) throw new GatewayError('OPERATOR_UNAUTHORIZED', 'An operator token is required (Authorization: Bearer <token>)');
    const given = digest(header.slice(7).trim());
    // Compare with every token (constant time each), so timing says nothing about which matched.
    let name: string | undefined;
    for (const t of this.tokens) if (timingSafeEqual(t.digest, given) && name === undefined) name = t.name;
    if (name === undefined) throw new GatewayError('OPERATOR_UNAUTHORIZED', this.tokens.length === 0 ? 'The admin API is off: no OPERATOR_TOKENS configured' : 'Not an operator token');
    return name;
  }
}
