import { Controller, Get, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { GatewayError } from '../ingress/gateway.error';
import type { CertificateReportEntry } from '../parties/certificate-register';
import { PartyAdmin } from '../parties/party-admin';
import { OperatorAuthenticator } from './operator-authenticator';

export const DEFAULT_EXPIRY_WARNING_DAYS = 60;

/** Every party's certificates with their expiry, for operators and the console (operators' port, bearer token). */
@Controller('v1/admin/certificates')
export class CertificateAdminController {
  constructor(
    private readonly admin: PartyAdmin,
    private readonly operators: OperatorAuthenticator,
  ) {}

  /** `?withinDays=N` (default 60): which count as `expiring`. */
  @Get()
  async list(@Req() req: Request, @Query('withinDays') withinDays?: string): Promise<{ withinDays: number; certificates: CertificateReportEntry[] }> {
    this.operators.authenticate(req);
    const days = withinDays === undefined ? DEFAULT_EXPIRY_WARNING_DAYS : Number(withinDays);
    if (!/^\d{1,4}$/.test(withinDays ?? '60')) throw new GatewayError('VALIDATION_FAILED', 'withinDays must be a whole number of days (0-9999)');
    return { withinDays: days, certificates: await this.admin.certificates(days) };
  }
}
