import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { PartyRegistry } from '../parties/party.registry';
import { identifyParty } from './party-identity';
import { readBody, requireMediaType } from './request-body';
import { SubmitMeldingUseCase, type Accepted } from './submit-melding.use-case';

export const MAX_BODY_BYTES = Symbol('MAX_BODY_BYTES');

@Controller('v1')
export class IngressController {
  constructor(
    private readonly submit: SubmitMeldingUseCase,
    private readonly parties: PartyRegistry,
    @Inject(MAX_BODY_BYTES) private readonly maxBytes: number,
  ) {}

  /** Regional tenants: a melding in the tenant JSON (v1). */
  @Post('meldingen')
  @HttpCode(202)
  async melding(@Req() req: Request): Promise<Accepted> {
    const party = identifyParty(req, this.parties);
    requireMediaType(req, ['application/json']);
    return this.submit.submitRegional(party, await readBody(req, this.maxBytes));
  }

  /** Direct parties (the RvdK): the national XML they signed themselves. */
  @Post('berichten')
  @HttpCode(202)
  async bericht(@Req() req: Request): Promise<Accepted> {
    const party = identifyParty(req, this.parties);
    requireMediaType(req, ['application/xml', 'text/xml']);
    return this.submit.submitDirect(party, await readBody(req, this.maxBytes));
  }
}
