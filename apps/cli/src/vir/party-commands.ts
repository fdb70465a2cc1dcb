import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { CertificateStatus } from '@vir/contracts';
import { devOperatorToken, gatewayAdminUrlFile } from '@vir/devstack';
import { ROOT_DIR } from '../cli-paths';
import { CliError, resolvePath, type CliIo } from './cli-io';

// `vir party …`: the operators' commands on the gateway's parties, through its admin API (the
// operators' port). Nothing here touches the database: the gateway validates and audits.

/** A party as the admin API returns it. */
interface PartyView {
  oin: string;
  name: string;
  kind: string;
  convenant: string;
  certificates: string[];
  webhookUrl: string | null;
  pull: boolean;
  deliveryFormat: string;
  pushBatchSize?: number;
  localMatching: boolean;
  rateLimitPerSecond: number | null;
  status: string;
  statusReason: string | null;
  signingKeyFile: string | null;
  signingCertFile: string | null;
}

interface AuditView {
  at: string;
  actor: string;
  action: string;
  before: PartyView | null;
  after: PartyView | null;
}

export interface AdminTarget {
  url?: string;
}

/** Where the admin API is, and the operator token: flags and environment first, then the local dev stack's. */
function endpoint(io: CliIo, target: AdminTarget): { url: string; token: string } {
  let url = target.url ?? io.env.VIR_ADMIN_URL;
  if (!url) {
    const file = gatewayAdminUrlFile(ROOT_DIR);
    if (existsSync(file)) url = readFileSync(file, 'utf8').trim();
  }
  if (!url) throw new CliError('where is the gateway? --admin-url <http://host:port> or VIR_ADMIN_URL (npm start notes its own)');
  let token = io.env.VIR_OPERATOR_TOKEN;
  if (!token && existsSync(`${ROOT_DIR}/.cache/secrets/operator-token`)) token = devOperatorToken(ROOT_DIR);
  if (!token) throw new CliError('no operator token: set VIR_OPERATOR_TOKEN');
  return { url: url.replace(/\/+$/, ''), token };
}

async function call<T>(io: CliIo, target: AdminTarget, method: string, path: string, body?: unknown): Promise<T> {
  return adminCall<T>(io, target, method, `/v1/admin/parties${path}`, body);
}

/** One admin API request (path from /v1/admin/…); a refusal becomes a CliError with its code and details. */
export async function adminCall<T>(io: CliIo, target: AdminTarget, method: string, path: string, body?: unknown): Promise<T> {
  const { url, token } = endpoint(io, target);
  let res: Response;
  try {
    res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new CliError(`cannot reach the gateway's admin API at ${url}: ${(err as Error).message}`, 1);
  }
  const text = await res.text();
  const answer: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const e = (answer ?? {}) as { code?: string; message?: string; details?: string[] };
    const lines = [`${e.code ?? `HTTP ${res.status}`}: ${e.message ?? ''}`, ...(e.details ?? []).map((d) => `  - ${d}`)];
    throw new CliError(lines.join('\n'), e.code === 'VALIDATION_FAILED' || e.code === 'MALFORMED_JSON' ? 2 : 1);
  }
  return answer as T;
}

function describeParty(p: PartyView): string {
  const batch = (p.pushBatchSize ?? 1) > 1 ? `, up to ${p.pushBatchSize} signals per request` : '';
  const delivery = [p.webhookUrl ? `push ${p.webhookUrl} (${p.deliveryFormat}${batch})` : '', p.pull ? `pull (${p.deliveryFormat})` : ''].filter(Boolean).join(', ') || 'none';
  return [
    `oin             ${p.oin}`,
    `name            ${p.name}`,
    `kind            ${p.kind}`,
    `convenant       ${p.convenant}`,
    `status          ${p.status}${p.statusReason ? ` (${p.statusReason})` : ''}`,
    `certificates    ${p.certificates.length === 0 ? 'none: the party cannot connect' : p.certificates.join('\n                ')}`,
    `delivery        ${delivery}`,
    `local matching  ${p.localMatching ? 'yes' : 'no'}`,
    `rate limit      ${p.rateLimitPerSecond === null ? 'none' : `${p.rateLimitPerSecond}/s`}`,
    ...(p.kind === 'regional' ? [`signing key     ${p.signingKeyFile ?? '-'}`, `signing cert    ${p.signingCertFile ?? '-'}`] : []),
  ].join('\n');
}

/** What changed between two versions of a party, one `field: old → new` per line. */
function changes(before: PartyView | null, after: PartyView | null): string {
  if (!before || !after) return '';
  const keys = Object.keys(after) as (keyof PartyView)[];
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`)
    .join('; ');
}

export async function partyList(io: CliIo, target: AdminTarget, json: boolean): Promise<number> {
  const { parties } = await call<{ parties: PartyView[] }>(io, target, 'GET', '');
  if (json) {
    io.out(`${JSON.stringify(parties, null, 2)}\n`);
    return 0;
  }
  const rows = parties.map((p) => [p.oin, p.status, p.kind, p.convenant, String(p.certificates.length), p.webhookUrl ? 'push' : p.pull ? 'pull' : 'none', p.name]);
  const head = ['OIN', 'STATUS', 'KIND', 'CONV', 'CERTS', 'DELIVERY', 'NAME'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  io.out([head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i]))).join('  ')).join('\n') + '\n');
  return 0;
}

export async function partyShow(io: CliIo, target: AdminTarget, oin: string, json: boolean): Promise<number> {
  const party = await call<PartyView>(io, target, 'GET', `/${encodeURIComponent(oin)}`);
  const { entries } = await call<{ entries: AuditView[] }>(io, target, 'GET', `/${encodeURIComponent(oin)}/audit`);
  if (json) {
    io.out(`${JSON.stringify({ party, audit: entries }, null, 2)}\n`);
    return 0;
  }
  const history = entries.map((e) => `  ${e.at}  ${e.action.padEnd(7)}  by ${e.actor}${changes(e.before, e.after) ? `  ${changes(e.before, e.after)}` : ''}`);
  io.out(`${describeParty(party)}\n\nchanges (newest first):\n${history.join('\n')}\n`);
  return 0;
}

export interface PartyOptions {
  oin?: string;
  name?: string;
  kind?: string;
  convenant?: string;
  /** PEM files: replace the party's certificates. */
  certs?: string[];
  fingerprints?: string[];
  addCerts?: string[];
  removeCerts?: string[];
  webhook?: string;
  noWebhook?: boolean;
  pull?: boolean;
  noPull?: boolean;
  format?: string;
  pushBatch?: string;
  localMatching?: boolean;
  noLocalMatching?: boolean;
  rateLimit?: string;
  noRateLimit?: boolean;
  signingKey?: string;
  signingCert?: string;
}

/** A certificate for the admin API: a file is sent as PEM (the gateway checks it and knows its expiry at once). */
interface CertificateRef {
  fingerprint: string;
  /** What goes in the body: the PEM of a file, or the fingerprint as given. */
  sent: string;
}

async function certificateFile(io: CliIo, file: string): Promise<CertificateRef> {
  try {
    const pem = await io.read(file);
    return { fingerprint: new X509Certificate(pem).fingerprint256, sent: pem };
  } catch (err) {
    throw new CliError(`${file}: not a readable PEM certificate (${(err as Error).message})`);
  }
}

/** A fingerprint as given, or a certificate file. */
async function certificateRef(io: CliIo, ref: string): Promise<CertificateRef> {
  if (!/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/.test(ref)) return certificateFile(io, ref);
  const fingerprint = ref.replace(/:/g, '').toUpperCase().match(/../g)!.join(':');
  return { fingerprint, sent: fingerprint };
}

/** The settings in the options, as the admin API's body (only what was given). */
async function settings(io: CliIo, o: PartyOptions): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  if (o.name !== undefined) body.name = o.name;
  if (o.convenant !== undefined) body.convenant = o.convenant;
  if (o.certs !== undefined || o.fingerprints !== undefined) {
    body.certificates = [...(await Promise.all((o.certs ?? []).map(async (f) => (await certificateFile(io, f)).sent))), ...(o.fingerprints ?? [])];
  }
  if (o.webhook !== undefined) body.webhookUrl = o.webhook;
  if (o.noWebhook) body.webhookUrl = null;
  if (o.pull) body.pull = true;
  if (o.noPull) body.pull = false;
  if (o.format !== undefined) body.deliveryFormat = o.format;
  if (o.pushBatch !== undefined) {
    const n = Number(o.pushBatch);
    if (!Number.isInteger(n)) throw new CliError('--push-batch must be a whole number of signals per request');
    body.pushBatchSize = n;
  }
  if (o.localMatching) body.localMatching = true;
  if (o.noLocalMatching) body.localMatching = false;
  if (o.rateLimit !== undefined) {
    const n = Number(o.rateLimit);
    if (!Number.isInteger(n)) throw new CliError('--rate-limit must be a whole number of requests per second');
    body.rateLimitPerSecond = n;
  }
  if (o.noRateLimit) body.rateLimitPerSecond = null;
  if (o.signingKey !== undefined) body.signingKeyFile = resolvePath(io, o.signingKey);
  if (o.signingCert !== undefined) body.signingCertFile = resolvePath(io, o.signingCert);
  return body;
}

export async function partyAdd(io: CliIo, target: AdminTarget, o: PartyOptions): Promise<number> {
  for (const k of ['oin', 'name', 'kind', 'convenant'] as const) if (!o[k]) throw new CliError(`--${k} is required`);
  const body = { oin: o.oin, kind: o.kind, certificates: [], ...(await settings(io, o)) };
  const party = await call<PartyView>(io, target, 'POST', '', body);
  io.out(`${describeParty(party)}\n`);
  return 0;
}

export async function partyUpdate(io: CliIo, target: AdminTarget, oin: string, o: PartyOptions): Promise<number> {
  const body = await settings(io, o);
  if (o.addCerts?.length || o.removeCerts?.length) {
    // A rollover: add the new certificate, later remove the old one.
    const given = (o.certs ?? []).length + (o.fingerprints ?? []).length > 0;
    const current: CertificateRef[] = given
      ? await Promise.all([...(o.certs ?? []), ...(o.fingerprints ?? [])].map((r) => certificateRef(io, r)))
      : (await call<PartyView>(io, target, 'GET', `/${encodeURIComponent(oin)}`)).certificates.map((f) => ({ fingerprint: f, sent: f }));
    const added = await Promise.all((o.addCerts ?? []).map((r) => certificateRef(io, r)));
    const removed = new Set((await Promise.all((o.removeCerts ?? []).map((r) => certificateRef(io, r)))).map((r) => r.fingerprint));
    const has = new Set(current.map((c) => c.fingerprint));
    body.certificates = [...current, ...added.filter((a) => !has.has(a.fingerprint))].filter((c) => !removed.has(c.fingerprint)).map((c) => c.sent);
  }
  if (Object.keys(body).length === 0) throw new CliError('nothing to change: give at least one setting (vir party update --help)');
  const party = await call<PartyView>(io, target, 'PATCH', `/${encodeURIComponent(oin)}`, body);
  io.out(`${describeParty(party)}\n`);
  return 0;
}

export async function partySuspend(io: CliIo, target: AdminTarget, oin: string, reason: string | undefined): Promise<number> {
  const party = await call<PartyView>(io, target, 'POST', `/${encodeURIComponent(oin)}/suspend`, reason ? { reason } : {});
  io.out(`${party.oin} ${party.name}: suspended; its messages are refused and its signals wait until it is resumed\n`);
  return 0;
}

export async function partyResume(io: CliIo, target: AdminTarget, oin: string): Promise<number> {
  const party = await call<PartyView>(io, target, 'POST', `/${encodeURIComponent(oin)}/resume`, {});
  io.out(`${party.oin} ${party.name}: active; waiting signals are delivered now\n`);
  return 0;
}

/**
 * Every party's certificates with their expiry, soonest first (`vir party certificates`). With
 * `--expiring`, only those expiring within the window or expired, and exit status 1 when there are any
 * (for a scheduled check).
 */
export async function partyCertificates(io: CliIo, target: AdminTarget, withinDays: string | undefined, expiringOnly: boolean, json: boolean): Promise<number> {
  const days = withinDays === undefined ? 60 : Number(withinDays);
  if (!/^\d{1,4}$/.test(withinDays ?? '60')) throw new CliError('--within-days must be a whole number of days');
  const { certificates } = await adminCall<{ certificates: CertificateStatus[] }>(io, target, 'GET', `/v1/admin/certificates?withinDays=${days}`);
  const list = expiringOnly ? certificates.filter((c) => c.status === 'expiring' || c.status === 'expired') : certificates;
  if (json) io.out(`${JSON.stringify(list, null, 2)}\n`);
  else if (list.length === 0) io.out(expiringOnly ? `no registered certificate expires within ${days} days\n` : 'no certificates registered\n');
  else {
    const rows = list.map((c) => [c.partyOin, c.use, c.status.toUpperCase(), c.notAfter ? c.notAfter.slice(0, 10) : '-', c.daysLeft === null ? '-' : String(c.daysLeft), c.fingerprint.slice(0, 23), c.partyName]);
    const head = ['OIN', 'USE', 'STATUS', 'NOT AFTER', 'DAYS', 'FINGERPRINT', 'NAME'];
    const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    io.out([head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i]))).join('  ')).join('\n') + '\n');
  }
  return expiringOnly && list.length > 0 ? 1 : 0;
}
