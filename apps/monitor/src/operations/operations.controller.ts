import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock } from '@vir/domain';
import { AuditLog } from '../access/audit.log';
import { PartyDirectory } from '../access/party-directory';
import { SessionStore, type Session } from '../access/session.store';
import { chromeOf, fromOwnForm, secure, sendPage, sendRefusal, signedIn } from '../console/console-http';
import type { Chrome } from '../console/console.pages';
import { notice, deliveryPage, partiesPage, rawXmlPage } from './operations.pages';
import { OperationsService, type Refusal } from './operations.service';
import { textField } from '../console/form-fields';


/**
 * The Delivery and Parties pages and the raw-XML view (transport only): session and CSRF, then
 * OperationsService, then the templates. A change is a POST from our own form; it answers with a
 * redirect back to its page (or a refusal page).
 */
@Controller('console')
export class OperationsController {
  constructor(
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
    private readonly operations: OperationsService,
    private readonly directory: PartyDirectory,
    private readonly clock: Clock,
  ) {}

  private refuse(res: Response, r: Refusal, chrome: Chrome = {}): void {
    sendRefusal(res, r.refusal, chrome, r.message);
  }

  /** The signed-in session (see signedIn); a post must also come from our own form (a refusal is audited). */
  private async session(req: Request, res: Response, action?: string): Promise<Session | undefined> {
    const s = await signedIn(this.sessions, req, res);
    if (s && req.method !== 'GET' && !fromOwnForm(req, s.csrfToken)) {
      await this.audit.record({ at: this.clock.now(), actor: s.viewer.username, action: action ?? 'post', target: req.path, outcome: 'refused', detail: { code: 'CSRF_INVALID' } });
      this.refuse(res, { refusal: 'CSRF_INVALID' }, chromeOf(s));
      return undefined;
    }
    return s;
  }

  private done(res: Response, s: Session, result: Refusal | { ok: true }, page: string, done: string, id: string): void {
    if ('refusal' in result) return this.refuse(res, result, chromeOf(s));
    secure(res);
    res.redirect(303, `/console/${page}?done=${done}&id=${encodeURIComponent(id)}`);
  }

  @Get('delivery')
  async delivery(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    const s = await this.session(req, res);
    if (!s) return;
    const view = await this.operations.delivery(s.viewer);
    const flash = notice(textField(q.done, 40), textField(q.id, 64));
    sendPage(res, 200, deliveryPage(chromeOf(s), { ...view, canAct: s.viewer.role === 'beheerder', now: this.clock.now(), flash }, this.directory));
  }

  @Post('delivery/signals/:id/resend')
  async resendSignal(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: Record<string, unknown>): Promise<void> {
    const s = await this.session(req, res, 'resend-signal');
    if (!s) return;
    this.done(res, s, await this.operations.resendSignal(s.viewer, id, textField(body?.reason)), 'delivery', 'signal-resent', id.toLowerCase());
  }

  @Post('delivery/dead-letters/:id/resend')
  async resendDeadLetter(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const s = await this.session(req, res, 'resend-dead-letter');
    if (!s) return;
    this.done(res, s, await this.operations.resendDeadLetter(s.viewer, id), 'delivery', 'dead-letter-resent', id);
  }

  @Get('parties')
  async parties(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    const s = await this.session(req, res);
    if (!s) return;
    const view = await this.operations.parties(s.viewer);
    sendPage(res, 200, partiesPage(chromeOf(s), { ...view, canAct: s.viewer.role === 'beheerder', flash: notice(textField(q.done, 40), textField(q.id, 64)) }));
  }

  @Post('parties/:oin/suspend')
  async suspend(@Req() req: Request, @Res() res: Response, @Param('oin') oin: string, @Body() body: Record<string, unknown>): Promise<void> {
    const s = await this.session(req, res, 'suspend-party');
    if (!s) return;
    this.done(res, s, await this.operations.setPartyStatus(s.viewer, oin, 'suspended', textField(body?.reason)), 'parties', 'suspended', oin);
  }

  @Post('parties/:oin/resume')
  async resume(@Req() req: Request, @Res() res: Response, @Param('oin') oin: string): Promise<void> {
    const s = await this.session(req, res, 'resume-party');
    if (!s) return;
    this.done(res, s, await this.operations.setPartyStatus(s.viewer, oin, 'active', undefined), 'parties', 'resumed', oin);
  }

  @Get('messages/:id/xml')
  async rawXml(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const s = await this.session(req, res);
    if (!s) return;
    const result = await this.operations.rawXml(s.viewer, id);
    if ('refusal' in result) return this.refuse(res, result, chromeOf(s));
    sendPage(res, 200, rawXmlPage(chromeOf(s), id.toLowerCase(), result.source, result.masked, this.directory));
  }
}
