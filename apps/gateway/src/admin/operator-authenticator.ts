import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { BearerTokens } from '@vir/config';
import { GatewayError } from '../ingress/gateway.error';

/**
 * Operators of the admin API: bearer tokens configured as `name:token` pairs (OPERATOR_TOKENS);
 * the name is the actor in the party audit. Only on the operators' (plain HTTP) port: on the
 * parties' TLS port the admin API does not exist.
 */
export class OperatorAuthenticator {
  private readonly tokens: BearerTokens;

  constructor(spec: string) {
    this.tokens = BearerTokens.parse(spec);
  }

  /** The operator's name, or a coded refusal. */
  authenticate(req: { socket: Socket; headers: IncomingHttpHeaders }): string {
    if ((req.socket as Socket & { encrypted?: boolean }).encrypted) throw new GatewayError('NOT_FOUND', 'No such endpoint');
    const name = this.tokens.nameFor(req.headers.authorization);
    if (name === null) throw new GatewayError('OPERATOR_UNAUTHORIZED', 'An operator token is required (Authorization: Bearer <token>)');
    if (name === undefined) throw new GatewayError('OPERATOR_UNAUTHORIZED', this.tokens.size === 0 ? 'The admin API is off: no OPERATOR_TOKENS configured' : 'Not an operator token');
    return name;
  }
}
