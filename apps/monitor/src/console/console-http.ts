import type { Request, Response } from 'express';
import { sameSecret, type SessionStore, type Session } from '../access/session.store';
import { CONSOLE_ERRORS, type ConsoleErrorCode } from './console-errors';
import { errorPage, type Chrome } from './console.pages';
import { textField } from './form-fields';

// What every console controller does around its page: security headers, the session cookie,
// sign-in, and the check that a state-changing request comes from our own form.

export const SESSION_COOKIE = 'vir_session';
/** Security headers of every console response: nothing inline may run, nothing is cached or framed. */
export function secure(res: Response): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on our own form posts.
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

export function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/** A console page, with the security headers. */
export function sendPage(res: Response, status: number, page: string): void {
  secure(res);
  res.status(status).type('html').send(page);
}

/** A refusal page with its code (`extra`: a detail after the code's message). */
export function sendRefusal(res: Response, code: ConsoleErrorCode, chrome: Chrome = {}, extra?: string): void {
  const e = CONSOLE_ERRORS[code];
  sendPage(res, e.status, errorPage(chrome, e.status, code, extra ? `${e.message} ${extra}` : e.message));
}

/** The page chrome of a signed-in user (name, role, the CSRF token of the forms). */
export const chromeOf = (s: Session): Chrome => ({ viewer: s.viewer, csrfToken: s.csrfToken });

/** The signed-in session, or a redirect to sign-in (page views) / SESSION_REQUIRED (anything else). */
export async function signedIn(sessions: SessionStore, req: Request, res: Response): Promise<Session | undefined> {
  const session = await sessions.find(cookies(req)[SESSION_COOKIE]);
  if (session) return session;
  if (req.method === 'GET') {
    secure(res);
    res.redirect(303, '/console/login');
  } else sendRefusal(res, 'SESSION_REQUIRED');
  return undefined;
}

/** A state-changing request must come from our own form: same origin (when the browser names one) and the expected token. */
export function fromOwnForm(req: Request, expected: string | undefined): boolean {
  const origin = req.headers.origin;
  if (origin && origin !== `${req.protocol}://${req.headers.host}`) return false;
  return sameSecret(textField((req.body as Record<string, unknown> | undefined)?._csrf, 100), expected);
}
