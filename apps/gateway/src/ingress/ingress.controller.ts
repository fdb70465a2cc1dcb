import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Inject, Optional, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { OntvangstResultaat } from '@vir/contracts';
import type { Party } from '../parties/party.registry';
import { AcknowledgementSigner } from './acknowledgement.signer';
import { clientCertificateOf } from './client-certificate';
import { GatewayError } from './gateway.error';
import { PartyAuthenticator } from './party-authenticator';
import { RateLimiter } from './rate-limiter';
import { readBody, requireMediaType } from './request-body';
import { MessageStatusService, type MessageStatusView } from './message-status.service';
import { SubmitMessageUseCase, type Accepted, type BatchAnswer } from './submit-message.use-case';

export const MAX_BODY_BYTES = Symbol('MAX_BODY_BYTES');
/** `{ maxItems, maxBytes }` of a regional batch. */
export const BATCH_LIMITS = Symbol('BATCH_LIMITS');

@Controller('v1')
export class IngressController {
  constructor(
    private readonly submit: SubmitMessageUseCase,
    private readonly status: MessageStatusService,
    private readonly auth: PartyAuthenticator,
    private readonly limiter: RateLimiter,
    @Inject(MAX_BODY_BYTES) private readonly maxBytes: number,
    @Inject(BATCH_LIMITS) private readonly batch: { maxItems: number; maxBytes: number },
    @Optional() private readonly acks?: AcknowledgementSigner,
  ) {}

  /** Any party: one of its own messages, by tracking id, with its signals about it. */
  @Get('berichten/:trackingId')
  message(@Req() req: Request, @Param('trackingId') trackingId: string): Promise<MessageStatusView> {
    return this.status.forParty(this.caller(req), trackingId);
  }

  /** Regional tenants: a melding in the tenant JSON (v1). */
  @Post('meldingen')
  @HttpCode(202)
  async melding(@Req() req: Request): Promise<Accepted> {
    const party = this.caller(req);
    requireMediaType(req, ['application/json']);
    return this.submit.submitRegionalMelding(party, await readBody(req, this.maxBytes));
  }

  /**
   * Regional tenants: a batch of meldingen, `{ "meldingen": [ … ] }`. Answered 200 with a result per
   * item (accepted with its tracking id, or rejected with its code) and a summary.
   */
  @Post('meldingen/batch')
  @HttpCode(200)
  async batchOfMeldingen(@Req() req: Request): Promise<BatchAnswer> {
    const party = this.caller(req);
    requireMediaType(req, ['application/json']);
    return this.submit.submitRegionalBatch(party, await readBody(req, this.batch.maxBytes), this.batch.maxItems);
  }

  /** Regional tenants: withdraw their own melding (intrekking). */
  @Post('intrekkingen')
  @HttpCode(202)
  async intrekking(@Req() req: Request): Promise<Accepted> {
    const party = this.caller(req);
    requireMediaType(req, ['application/json']);
    return this.submit.submitRegionalIntrekking(party, await readBody(req, this.maxBytes));
  }

  /** A connectivity test through gateway → Kafka → index → Kafka → gateway; the answer arrives like a signal. */
  @Post('ping')
  @HttpCode(202)
  async ping(@Req() req: Request): Promise<Accepted> {
    const party = this.caller(req);
    requireMediaType(req, ['application/json']);
    return this.submit.submitRegionalPing(party, await readBody(req, this.maxBytes));
  }

  /** A removal ordered by a municipality after an objection (verwijdering). */
  @Post('verwijderingen')
  @HttpCode(202)
  async verwijdering(@Req() req: Request): Promise<Accepted> {
    const party = this.caller(req);
    requireMediaType(req, ['application/json']);
    return this.submit.submitRegionalVerwijdering(party, await readBody(req, this.maxBytes));
  }

  /**
   * Direct parties (the RvdK): the national XML they signed themselves, answered with the signed
   * Ontvangstbevestiging (or JSON when the gateway has no signing identity, or on Accept: JSON).
   */
  @Post('berichten')
  async bericht(@Req() req: Request, @Res() res: Response): Promise<void> {
    const party = this.caller(req);
    const xmlAnswer = this.acks !== undefined && !(req.headers.accept ?? '').includes('application/json');
    let status: number;
    let result: OntvangstResultaat;
    let json: unknown;
    try {
      requireMediaType(req, ['application/xml', 'text/xml']);
      const accepted = await this.submit.submitDirect(party, await readBody(req, this.maxBytes));
      [status, result, json] = [202, { trackingId: accepted.trackingId, berichtId: accepted.trackingId, resultaat: 'geaccepteerd' }, accepted];
    } catch (err) {
      if (!(err instanceof GatewayError) || !xmlAnswer) throw err;
      if (err.retryAfterSeconds) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      [status, result] = [err.status, { trackingId: err.trackingId ?? randomUUID(), resultaat: 'afgewezen', fout: { code: err.code, omschrijving: err.message } }];
    }
    if (xmlAnswer) res.status(status).type('application/xml').send(this.acks!.sign(party.oin, [result]));
    else res.status(status).json(json);
  }

  /** The party of the request's client certificate (mutual TLS), within its rate limit, before the body is read. */
  private caller(req: Request): Party {
    const party = this.auth.authenticate(clientCertificateOf(req.socket));
    this.limiter.take(party.oin, party.rateLimitPerSecond);
    return party;
  }
}
