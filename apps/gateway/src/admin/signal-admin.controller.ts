import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { MAX_BODY_BYTES } from '../ingress/ingress.controller';
import { readBody } from '../ingress/request-body';
import type { SignalCount, SignalStatusView } from '../delivery/signal.store';
import { SignalsService } from '../delivery/signals.service';
import { OperatorAuthenticator } from './operator-authenticator';

/** The operators' view of the signals (operators' port only, bearer token): list, show, resend a failed one. */
@Controller('v1/admin/signalen')
export class SignalAdminController {
  constructor(
    private readonly signals: SignalsService,
    private readonly operators: OperatorAuthenticator,
    @Inject(MAX_BODY_BYTES) private readonly maxBytes: number,
  ) {}

  @Get()
  list(@Req() req: Request, @Query() query: Record<string, unknown>): Promise<{ signalen: Omit<SignalStatusView, 'history' | 'followUp'>[] }> {
    this.operators.authenticate(req);
    return this.signals.list(query);
  }

  /** Declared before `:id`, which would otherwise take the path. */
  @Get('counts')
  counts(@Req() req: Request): Promise<{ counts: SignalCount[] }> {
    this.operators.authenticate(req);
    return this.signals.counts();
  }

  @Get(':id')
  show(@Req() req: Request, @Param('id') id: string): Promise<SignalStatusView> {
    this.operators.authenticate(req);
    return this.signals.show(id);
  }

  @Post(':id/resend')
  @HttpCode(200)
  async resend(@Req() req: Request, @Param('id') id: string): Promise<SignalStatusView> {
    const actor = this.operators.authenticate(req);
    return this.signals.resend(id, actor, await readBody(req, this.maxBytes));
  }
}
