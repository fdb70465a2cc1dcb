import { UUID_PATTERN } from '@vir/contracts';
import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import { GatewayError } from '../ingress/gateway.error';
import { IngressLedger } from '../ingress/ingress.ledger';
import { OperatorAuthenticator } from './operator-authenticator';


/** The operators' view of a forwarded message: its signed XML as the index received it (BSNs encrypted). */
@Controller('v1/admin/berichten')
export class MessageAdminController {
  constructor(
    @Inject(IngressLedger) private readonly ledger: IngressLedger,
    private readonly operators: OperatorAuthenticator,
  ) {}

  @Get(':id')
  async show(@Req() req: Request, @Param('id') id: string): Promise<{ messageId: string; partyOin: string; receivedAt: string; xml: string }> {
    this.operators.authenticate(req);
    const found = UUID_PATTERN.test(id) ? await this.ledger.forwardedXml(id.toLowerCase()) : undefined;
    if (!found) throw new GatewayError('NOT_FOUND', 'No forwarded message with this id (or its XML was not kept)');
    return found;
  }
}
