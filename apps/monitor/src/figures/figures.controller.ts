import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SessionStore, type Session } from '../access/session.store';
import type { ConsoleErrorCode } from '../console/console-errors';
import { chromeOf, secure, sendRefusal, signedIn } from '../console/console-http';
import { figuresPage } from './figures.page';
import { FiguresService } from './figures.service';

/** The Figures page and its CSV export (transport only; see FiguresService). */
@Controller('console')
export class FiguresController {
  constructor(
    private readonly sessions: SessionStore,
    private readonly figures: FiguresService,
  ) {}

  private refuse(res: Response, s: Session, code: ConsoleErrorCode): void {
    sendRefusal(res, code, chromeOf(s));
  }

  @Get('figures')
  async page(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    const s = await signedIn(this.sessions, req, res);
    if (!s) return;
    const a = await this.figures.figures(s.viewer, q, 'view-figures');
    if (a.kind === 'forbidden') return this.refuse(res, s, 'FORBIDDEN');
    const chrome = { viewer: s.viewer, csrfToken: s.csrfToken };
    secure(res);
    if (a.kind === 'invalid') res.status(400).type('html').send(figuresPage(chrome, a.form, [], null, a.areas, a.problems.join('; ')));
    else res.status(200).type('html').send(figuresPage(chrome, a.form, a.rows, a.total, a.areas));
  }

  @Get('figures.csv')
  async csv(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, unknown>): Promise<void> {
    const s = await signedIn(this.sessions, req, res);
    if (!s) return;
    const a = await this.figures.figures(s.viewer, q, 'export-figures');
    if (a.kind === 'forbidden') return this.refuse(res, s, 'FORBIDDEN');
    if (a.kind === 'invalid') return this.refuse(res, s, 'VALIDATION_FAILED');
    const { fileName, body } = this.figures.csv(a);
    secure(res);
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    res.status(200).type('text/csv; charset=utf-8').send(body);
  }
}
