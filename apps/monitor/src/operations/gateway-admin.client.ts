// The monitor's client of the gateway's operators' admin API (plain HTTP on the gateway's
// operators' port, bearer token). The gateway records the token's operator name as the actor;
// the console passes its own account name in the reason, and audits every call itself.

import type { CertificateStatus } from '@vir/contracts';

export interface GatewayAdminOptions {
  /** e.g. http://127.0.0.1:3001; undefined: not configured (the pages say so). */
  url?: string;
  token?: string;
  timeoutMs?: number;
}

export interface GatewayParty {
  oin: string;
  name: string;
  kind: 'regional' | 'direct';
  convenant: string;
  certificates: string[];
  webhookUrl: string | null;
  pull: boolean;
  status: 'active' | 'suspended';
  statusReason: string | null;
}

/** One certificate in the gateway's report (GET /v1/admin/certificates). */
export type GatewayCertificate = CertificateStatus;

export interface GatewaySignalCount {
  partyOin: string;
  status: 'queued' | 'sent' | 'retrying' | 'failed';
  count: number;
  oldestReceivedAt: string;
}

export interface GatewaySignal {
  id: string;
  type: string;
  recipientOin: string;
  correlationIds: string[];
  status: string;
  attempts: number;
  receivedAt: string;
  failedAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
}

export interface ForwardedXml {
  messageId: string;
  partyOin: string;
  receivedAt: string;
  xml: string;
}

/** A refusal from the gateway (its code), or the gateway not configured / not reachable. */
export class GatewayAdminError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }

  /** Not configured or not reachable (as opposed to a coded refusal). */
  get unavailable(): boolean {
    return this.status === null;
  }
}

export class GatewayAdminClient {
  private readonly base: string | undefined;

  constructor(
    private readonly options: GatewayAdminOptions,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.base = options.url?.replace(/\/+$/, '');
  }

  get configured(): boolean {
    return !!this.base && !!this.options.token;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    if (!this.configured) throw new GatewayAdminError('GATEWAY_NOT_CONFIGURED', 'The gateway admin API is not configured (GATEWAY_ADMIN_URL, GATEWAY_ADMIN_TOKEN)', null);
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.options.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new GatewayAdminError('GATEWAY_UNREACHABLE', `The gateway admin API cannot be reached: ${(err as Error).message}`, null);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new GatewayAdminError('GATEWAY_UNREACHABLE', `The gateway admin API answered ${res.status} without JSON`, null);
    }
    if (!res.ok) {
      const e = (json ?? {}) as { code?: unknown; message?: unknown };
      throw new GatewayAdminError(typeof e.code === 'string' ? e.code : 'INTERNAL_ERROR', typeof e.message === 'string' ? e.message : `HTTP ${res.status}`, res.status);
    }
    return json as T;
  }

  async parties(): Promise<GatewayParty[]> {
    return (await this.call<{ parties: GatewayParty[] }>('GET', '/v1/admin/parties')).parties;
  }

  /** Every registered certificate with its expiry; `expiring` means within `withinDays`. */
  async certificates(withinDays: number): Promise<GatewayCertificate[]> {
    return (await this.call<{ certificates: GatewayCertificate[] }>('GET', `/v1/admin/certificates?withinDays=${withinDays}`)).certificates;
  }

  suspend(oin: string, reason: string): Promise<GatewayParty> {
    return this.call('POST', `/v1/admin/parties/${encodeURIComponent(oin)}/suspend`, { reason });
  }

  resume(oin: string): Promise<GatewayParty> {
    return this.call('POST', `/v1/admin/parties/${encodeURIComponent(oin)}/resume`);
  }

  async signalCounts(): Promise<GatewaySignalCount[]> {
    return (await this.call<{ counts: GatewaySignalCount[] }>('GET', '/v1/admin/signalen/counts')).counts;
  }

  async signals(status: 'failed' | 'retrying', limit = 200): Promise<GatewaySignal[]> {
    return (await this.call<{ signalen: GatewaySignal[] }>('GET', `/v1/admin/signalen?status=${status}&limit=${limit}`)).signalen;
  }

  signal(id: string): Promise<GatewaySignal> {
    return this.call('GET', `/v1/admin/signalen/${encodeURIComponent(id)}`);
  }

  resendSignal(id: string, reason: string): Promise<GatewaySignal> {
    return this.call('POST', `/v1/admin/signalen/${encodeURIComponent(id)}/resend`, { reason });
  }

  forwardedXml(messageId: string): Promise<ForwardedXml> {
    return this.call('GET', `/v1/admin/berichten/${encodeURIComponent(messageId)}`);
  }
}
