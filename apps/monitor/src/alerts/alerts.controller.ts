import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock } from '@vir/domain';
import { AuditLog } from '../access/audit.log';
import { PartyDirectory } from '../access/party-directory';
import { maySeeParty, visibleParties } from '../access/roles';
import { SessionStore, type Session } from '../access/session.store';
import type { ConsoleErrorCode } from '../console/console-errors';
import { chromeOf, fromOwnForm, secure, sendPage, sendRefusal, signedIn } from '../console/console-http';
import { isAlertRule } from './alert-rules';
import { AlertNotifier } from './alert.notifier';
import { AlertSources } from './alert.sources';
import { AlertStore } from './alert.store';
import { alertsPage, type AlertsForm } from './alerts.pages';
import { textField, timeField } from '../console/form-fields';


/** The console's Alerts page (open ones and the history, filterable) and acknowledging an alert. Transport only. */
@Controller('console/alerts')
export class AlertsController {
  constructor(
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
    private readonly alerts: AlertStore,
    private readonly sources: AlertSources,
    private readonly notifier: AlertNotifier,
    private readonly directory: PartyDirectory,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private refuse(res: Response, code: ConsoleErrorCode, s?: Session): void {
    sendRefusal(res, code, s ? chromeOf(s) : {});
  }

  @Get()
  async list(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    const s = await signedIn(this.sessions, req, res);
    if (!s) return;
    const form: AlertsForm = { state: textField(q.state, 20), rule: textField(q.rule, 40), subject: textField(q.subject, 100), from: textField(q.from, 40), to: textField(q.to, 40) };
    const from = timeField(form.from);
    const to = timeField(form.to);
    const state = form.state === 'live' || form.state === 'open' || form.state === 'acknowledged' || form.state === 'closed' ? form.state : undefined;
    const problems = [
      form.state && !state ? 'state: live, open, acknowledged or closed' : '',
      form.rule && !isAlertRule(form.rule) ? 'rule: one of the list' : '',
      from === null ? 'from: an ISO 8601 time' : '',
      to === null ? 'to: an ISO 8601 time' : '',
    ].filter(Boolean);
    const scope = visibleParties(s.viewer, this.directory.parties);
    const chrome = { viewer: s.viewer, csrfToken: s.csrfToken };
    const now = this.clock.now();
    const [live, history, watched] = await Promise.all([
      this.alerts.search({ state: 'live', scope, limit: 500 }),
      problems.length ? Promise.resolve([]) : this.alerts.search({ state, rule: form.rule, subject: form.subject, from: from ?? undefined, to: to ?? undefined, scope, limit: 200 }),
      this.sources.parties(now).catch(() => undefined),
    ]);
    const notWatched = watched ? this.directory.parties.filter((p) => maySeeParty(scope, p.oin) && !watched.some((w) => w.oin === p.oin && w.lastReceivedAt)) : [];
    sendPage(res, problems.length ? 400 : 200, alertsPage(chrome, form, live, history, this.directory, notWatched, problems.join('; ') || undefined));
  }

  @Post(':id/acknowledge')
  async acknowledge(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const s = await signedIn(this.sessions, req, res);
    if (!s) return;
    const now = this.clock.now();
    const actor = s.viewer.username;
    const target = id.slice(0, 30);
    if (!fromOwnForm(req, s.csrfToken)) {
      await this.audit.record({ at: now, actor, action: 'acknowledge-alert', target, outcome: 'refused', detail: { code: 'CSRF_INVALID' } });
      return this.refuse(res, 'CSRF_INVALID', s);
    }
    const alert = await this.alerts.get(id);
    const scope = visibleParties(s.viewer, this.directory.parties);
    if (s.viewer.role === 'read-only' || (alert && scope && !maySeeParty(scope, alert.partyOin))) {
      await this.audit.record({ at: now, actor, action: 'acknowledge-alert', target, outcome: 'forbidden' });
      return this.refuse(res, 'FORBIDDEN', s);
    }
    const result = await this.alerts.acknowledge(id, actor, now);
    if (!result.ok) {
      await this.audit.record({ at: now, actor, action: 'acknowledge-alert', target, outcome: 'refused', detail: { code: result.code } });
      return this.refuse(res, result.code, s);
    }
    await this.audit.record({ at: now, actor, action: 'acknowledge-alert', target, outcome: 'ok', detail: { rule: result.transition.alert.rule, subject: result.transition.alert.subject } });
    this.notifier.notify([result.transition]);
    secure(res);
    res.redirect(303, '/console/alerts');
  }
}
