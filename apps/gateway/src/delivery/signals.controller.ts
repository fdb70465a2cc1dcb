import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { clientCertificateOf } from '../ingress/client-certificate';
import { MAX_BODY_BYTES } from '../ingress/ingress.controller';
import { PartyAuthenticator } from '../ingress/party-authenticator';
import { RateLimiter } from '../ingress/rate-limiter';
import { readBody, requireMediaType } from '../ingress/request-body';
import type { Party } from '../parties/party.registry';
import { SignalsService, type PartySignalView, type PullAnswer } from './signals.service';

/**
 * The parties' signals (party port, mutual TLS): pull, acknowledge, status, follow-up. A party sees
 * and changes only its own signals; another party's id is answered as an unknown one.
 */
@Controller('v1/signalen')
export class SignalsController {
  constructor(
    private readonly signals: SignalsService,
    private readonly auth: PartyAuthenticator,
    private readonly limiter: RateLimiter,
    @Inject(MAX_BODY_BYTES) private readonly maxBytes: number,
  ) {}

  @Get()
  pull(@Req() req: Request, @Query() query: Record<string, unknown>): Promise<PullAnswer> {
    return this.signals.pull(this.caller(req), query);
  }

  @Post('ack')
  @HttpCode(200)
  async acknowledgeMany(@Req() req: Request): Promise<{ acknowledged: string[]; alreadyAcknowledged: string[] }> {
    const party = this.caller(req);
    requireMediaType(req, ['application/json']);
    return this.signals.acknowledgeMany(party, await readBody(req, this.maxBytes));
  }

  @Get(':id')
  status(@Req() req: Request, @Param('id') id: string): Promise<PartySignalView> {
    return this.signals.statusForParty(this.caller(req), id);
  }

  @Post(':id/ack')
  @HttpCode(200)
  async acknowledge(@Req() req: Request, @Param('id') id: string): Promise<{ id: string; status: 'acknowledged'; replayed?: true }> {
    const party = this.caller(req);
    await readBody(req, this.maxBytes);
    return this.signals.acknowledgeOne(party, id);
  }

  @Post(':id/opvolging')
  async followUp(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const party = this.caller(req);
    requireMediaType(req, ['application/json']);
    const answer = await this.signals.reportFollowUp(party, id, await readBody(req, this.maxBytes));
    res.status(answer.status).json(answer.body);
  }

  private caller(req: Request): Party {
    const party = this.auth.authenticate(clientCertificateOf(req.socket));
    this.limiter.take(party.oin, party.rateLimitPerSecond);
    return party;
  }
}
