import { UUID_PATTERN } from '@vir/contracts';
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock } from '@vir/domain';
import { AccountStore } from '../access/account.store';
import { AuditLog } from '../access/audit.log';
import { PartyDirectory } from '../access/party-directory';
import { maySeeParty, visibleParties, type Viewer } from '../access/roles';
import { newSecret, SessionStore, type Session } from '../access/session.store';
import { AlertStore } from '../alerts/alert.store';
import { openAlertsSection } from '../alerts/alerts.pages';
import { FlowEventsService } from '../flow/flow-events.service';
import { CONSOLE_ERRORS } from './console-errors';
import { chromeOf, cookies, fromOwnForm, secure, sendPage, sendRefusal, SESSION_COOKIE, signedIn } from './console-http';
import { CONSOLE_CSS } from './console.css';
import { auditPage, errorsPage, loginPage, messagesPage, overviewPage, tracePage, type AuditForm, type MessageSearchForm } from './console.pages';
import { ConsoleQueries } from './console.queries';
import { ConsumerLag } from './consumer-lag';
import { buildOverview, isPeriod } from './overview-model';
import { textField, timeField } from './form-fields';

export const CONSOLE_OPTIONS = Symbol('CONSOLE_OPTIONS');
export interface ConsoleOptions {
  cookieSecure: boolean;
}

const LOGIN_COOKIE = 'vir_login';




/**
 * The operators' console: server-rendered pages under /console. Transport only: sessions and
 * CSRF from cookies and forms, then the queries, the role rules and the page templates.
 */
@Controller('console')
export class ConsoleController {
  constructor(
    private readonly accounts: AccountStore,
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
    private readonly queries: ConsoleQueries,
    private readonly flows: FlowEventsService,
    private readonly directory: PartyDirectory,
    private readonly lag: ConsumerLag,
    private readonly clock: Clock,
    private readonly alerts: AlertStore,
    @Inject(CONSOLE_OPTIONS) private readonly options: ConsoleOptions,
  ) {}

  private cookie(res: Response, name: string, value: string, maxAgeSeconds: number): void {
    const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/console', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
    if (this.options.cookieSecure) parts.push('Secure');
    const existing = res.getHeader('Set-Cookie');
    res.setHeader('Set-Cookie', [...(Array.isArray(existing) ? existing : existing ? [String(existing)] : []), parts.join('; ')]);
  }


  private scope(viewer: Viewer): string[] | undefined {
    return visibleParties(viewer, this.directory.parties);
  }

  private async forbidden(res: Response, s: Session, action: string, target: string): Promise<void> {
    await this.audit.record({ at: this.clock.now(), actor: s.viewer.username, action, target, outcome: 'forbidden' });
    sendRefusal(res, 'FORBIDDEN', chromeOf(s));
  }

  @Get('static/console.css')
  css(@Res() res: Response): void {
    secure(res);
    res.setHeader('Cache-Control', 'max-age=300');
    res.type('text/css').send(CONSOLE_CSS);
  }

  @Get()
  root(@Res() res: Response): void {
    secure(res);
    res.redirect(303, '/console/overview');
  }

  @Get('login')
  async loginForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (await this.sessions.find(cookies(req)[SESSION_COOKIE])) {
      secure(res);
      return res.redirect(303, '/console/overview');
    }
    const token = newSecret();
    this.cookie(res, LOGIN_COOKIE, token, 900);
    sendPage(res, 200, loginPage(token));
  }

  @Post('login')
  async login(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const now = this.clock.now();
    const username = textField(body?.username, 64) ?? '';
    if (!fromOwnForm(req, cookies(req)[LOGIN_COOKIE])) {
      await this.audit.record({ at: now, actor: 'anonymous', action: 'sign-in', target: username || null, outcome: 'refused', detail: { code: 'CSRF_INVALID' } });
      return sendRefusal(res, 'CSRF_INVALID');
    }
    const result = await this.accounts.signIn(username.toLowerCase(), typeof body?.password === 'string' ? body.password.slice(0, 256) : '');
    if (!result.ok) {
      const token = newSecret();
      this.cookie(res, LOGIN_COOKIE, token, 900);
      const e = CONSOLE_ERRORS[result.code];
      return sendPage(res, e.status, loginPage(token, { code: result.code, message: e.message }, username));
    }
    const { id, session } = await this.sessions.create(result.viewer);
    await this.audit.record({ at: now, actor: result.viewer.username, action: 'sign-in', target: result.viewer.username, outcome: 'ok' });
    this.cookie(res, LOGIN_COOKIE, '', 0);
    this.cookie(res, SESSION_COOKIE, id, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000));
    secure(res);
    res.redirect(303, '/console/overview');
  }

  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const s = await signedIn(this.sessions, req, res);
    if (!s) return;
    if (!fromOwnForm(req, s.csrfToken)) {
      await this.audit.record({ at: this.clock.now(), actor: s.viewer.username, action: 'sign-out', outcome: 'refused', detail: { code: 'CSRF_INVALID' } });
      return sendRefusal(res, 'CSRF_INVALID', chromeOf(s));
    }
    await this.sessions.end(cookies(req)[SESSION_COOKIE]);
    await this.audit.record({ at: this.clock.now(), actor: s.viewer.username, action: 'sign-out', outcome: 'ok' });
    this.cookie(res, SESSION_COOKIE, '', 0);
    secure(res);
    res.redirect(303, '/console/login');
  }

  @Get('overview')
  async overview(@Req() req: Request, @Res() res: Response, @Query('period') period: unknown): Promise<void> {
    const s = await signedIn(this.sessions, req, res);
    if (!s) return;
    const p = isPeriod(period) ? period : 'day';
    const now = this.clock.now();
    const [rows, lag, alerts] = await Promise.all([
      this.queries.aggregates(p, now, this.scope(s.viewer)),
      // The whole system's lag: not a convenantbeheerder's business.
      s.viewer.role === 'convenantbeheerder' ? Promise.resolve(null) : this.lag.current(),
      this.alerts.search({ state: 'live', scope: this.scope(s.viewer), limit: 50 }),
    ]);
    const chrome = chromeOf(s);
    sendPage(res, 200, overviewPage(chrome, buildOverview(p, now, rows), this.directory, lag, openAlertsSection(alerts, chrome, this.directory)));
  }

  @Get('messages')
  async messages(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    const s = await signedIn(this.sessions, req, res);
    if (!s) return;
    const form: MessageSearchForm = { trackingId: textField(q.trackingId, 64), party: textField(q.party, 20), outcome: textField(q.outcome, 20), kind: textField(q.kind, 20), step: textField(q.step, 64), from: textField(q.from, 40), to: textField(q.to, 40) };
    const scope = this.scope(s.viewer);
    const from = timeField(form.from);
    const to = timeField(form.to);
    const problems = [
      form.trackingId && !UUID_PATTERN.test(form.trackingId) ? 'tracking id: a UUID' : '',
      form.party && !/^\d{20}$/.test(form.party) ? 'party: an OIN' : '',
      from === null ? 'from: an ISO 8601 time' : '',
      to === null ? 'to: an ISO 8601 time' : '',
    ].filter(Boolean);
    const chrome = chromeOf(s);
    if (problems.length > 0) return sendPage(res, 400, messagesPage(chrome, form, [], this.directory, scope, problems.join('; ')));
    if (form.party && !maySeeParty(scope, form.party)) return this.forbidden(res, s, 'search-messages', form.party);
    const rows = await this.queries.searchMessages({
      trackingId: form.trackingId?.toLowerCase(),
      partyOin: form.party,
      outcome: form.outcome,
      kind: form.kind,
      step: form.step,
      from: from ?? undefined,
      to: to ?? undefined,
      scope,
      limit: 100,
    });
    await this.audit.record({ at: this.clock.now(), actor: s.viewer.username, action: 'search-messages', outcome: 'ok', detail: { ...form, results: rows.length } });
    sendPage(res, 200, messagesPage(chrome, form, rows, this.directory, scope));
  }

  @Get('messages/:id')
  async trace(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const s = await signedIn(this.sessions, req, res);
    if (!s) return;
    if (!UUID_PATTERN.test(id)) return sendRefusal(res, 'NOT_FOUND', chromeOf(s));
    const trackingId = id.toLowerCase();
    const trace = await this.flows.trace(trackingId);
    if (!trace) return sendRefusal(res, 'NOT_FOUND', chromeOf(s));
    const scope = this.scope(s.viewer);
    // A message belongs to the party of its own first event (the sender; for a signal, its recipient).
    const own = trace.steps.find((st) => st.messageId === trackingId && st.partyOin)?.partyOin;
    if (!maySeeParty(scope, own)) return this.forbidden(res, s, 'view-trace', trackingId);
    const steps = trace.steps.filter((st) => maySeeParty(scope, st.partyOin) || (st.messageId === trackingId && !st.partyOin));
    await this.audit.record({ at: this.clock.now(), actor: s.viewer.username, action: 'view-trace', target: trackingId, outcome: 'ok' });
    sendPage(res, 200, tracePage(chromeOf(s), trackingId, steps, trace.relatedMessageIds, trace.steps.length - steps.length, this.directory));
  }

  @Get('errors')
  async errors(@Req() req: Request, @Res() res: Response): Promise<void> {
    const s = await signedIn(this.sessions, req, res);
    if (!s) return;
    const days = 30;
    const groups = await this.queries.errors(new Date(this.clock.now().getTime() - days * 86_400_000), this.scope(s.viewer));
    await this.audit.record({ at: this.clock.now(), actor: s.viewer.username, action: 'view-errors', outcome: 'ok', detail: { groups: groups.length } });
    sendPage(res, 200, errorsPage(chromeOf(s), groups, this.directory, days));
  }

  @Get('audit')
  async auditView(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    const s = await signedIn(this.sessions, req, res);
    if (!s) return;
    if (s.viewer.role !== 'beheerder') return this.forbidden(res, s, 'view-audit', 'audit');
    const form: AuditForm = { actor: textField(q.actor, 80), action: textField(q.action, 40), outcome: textField(q.outcome, 20), from: textField(q.from, 40), to: textField(q.to, 40) };
    const from = timeField(form.from);
    const to = timeField(form.to);
    if (from === null || to === null) return sendRefusal(res, 'VALIDATION_FAILED', chromeOf(s));
    const rows = await this.audit.search({ actor: form.actor, action: form.action, outcome: form.outcome, from, to, limit: 500 });
    await this.audit.record({ at: this.clock.now(), actor: s.viewer.username, action: 'view-audit', outcome: 'ok', detail: { ...form } });
    sendPage(res, 200, auditPage(chromeOf(s), form, rows));
  }
}
