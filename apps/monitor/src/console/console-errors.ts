// Every refusal of the console, with its HTTP status (documented in the README; a spec keeps the two equal).
export const CONSOLE_ERRORS = {
  SIGN_IN_FAILED: { status: 401, message: 'Unknown account or wrong password.' },
  ACCOUNT_LOCKED: { status: 423, message: 'Too many failed sign-ins: the account is locked for a while.' },
  SESSION_REQUIRED: { status: 401, message: 'Not signed in, or the session expired: sign in again.' },
  CSRF_INVALID: { status: 403, message: 'The form is not from this console (missing or wrong CSRF token, or another origin).' },
  FORBIDDEN: { status: 403, message: "This is outside what your account may see (another area's party or message, or an operators' page)." },
  NOT_FOUND: { status: 404, message: 'No such message or page.' },
  VALIDATION_FAILED: { status: 400, message: 'A search field is malformed.' },
  GATEWAY_UNAVAILABLE: { status: 503, message: "The gateway's admin API is not configured or cannot be reached; nothing was changed." },
  GATEWAY_REFUSED: { status: 409, message: 'The gateway refused the change; nothing was changed.' },
  NOT_RESENDABLE: { status: 409, message: 'This dead letter cannot go back to its source topic; nothing was sent.' },
  ALERT_NOT_FOUND: { status: 404, message: 'No such alert.' },
  ALERT_NOT_OPEN: { status: 409, message: 'The alert is not open: it was acknowledged or has closed already; nothing changed.' },
} as const;
export type ConsoleErrorCode = keyof typeof CONSOLE_ERRORS;
