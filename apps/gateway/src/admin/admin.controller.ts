import { Controller, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { MAX_BODY_BYTES } from '../ingress/ingress.controller';
import { readBody, requireMediaType } from '../ingress/request-body';
import type { PartyRecord } from '../parties/party';
import { PartyAdmin } from '../parties/party-admin';
import type { PartyAuditEntry } from '../parties/party.store';
import { OperatorAuthenticator } from './operator-authenticator';

/** The operators' admin API for parties (operators' port only, bearer token). */
@Controller('v1/admin/parties')
export class AdminController {
  constructor(
    private readonly admin: PartyAdmin,
    private readonly operators: OperatorAuthenticator,
    @Inject(MAX_BODY_BYTES) private readonly maxBytes: number,
  ) {}

  @Get()
  async list(@Req() req: Request): Promise<{ parties: PartyRecord[] }> {
    this.operators.authenticate(req);
    return { parties: await this.admin.list() };
  }

  @Get(':oin')
  show(@Req() req: Request, @Param('oin') oin: string): Promise<PartyRecord> {
    this.operators.authenticate(req);
    return this.admin.get(oin);
  }

  @Get(':oin/audit')
  async audit(@Req() req: Request, @Param('oin') oin: string): Promise<{ entries: PartyAuditEntry[] }> {
    this.operators.authenticate(req);
    return { entries: await this.admin.audit(oin) };
  }

  @Post()
  @HttpCode(201)
  async create(@Req() req: Request): Promise<PartyRecord> {
    const actor = this.operators.authenticate(req);
    requireMediaType(req, ['application/json']);
    return this.admin.create(await readBody(req, this.maxBytes), actor);
  }

  @Patch(':oin')
  async update(@Req() req: Request, @Param('oin') oin: string): Promise<PartyRecord> {
    const actor = this.operators.authenticate(req);
    requireMediaType(req, ['application/json']);
    return this.admin.update(oin, await readBody(req, this.maxBytes), actor);
  }

  @Post(':oin/suspend')
  @HttpCode(200)
  async suspend(@Req() req: Request, @Param('oin') oin: string): Promise<PartyRecord> {
    const actor = this.operators.authenticate(req);
    return this.admin.suspend(oin, await readBody(req, this.maxBytes), actor);
  }

  @Post(':oin/resume')
  @HttpCode(200)
  async resume(@Req() req: Request, @Param('oin') oin: string): Promise<PartyRecord> {
    const actor = this.operators.authenticate(req);
    await readBody(req, this.maxBytes);
    return this.admin.resume(oin, actor);
  }
}
