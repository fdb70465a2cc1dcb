/** HTTP out, behind a class so tests and later mTLS delivery can swap it. */
export interface WebhookResult {
  ok: boolean;
  status?: number;
  error?: string;
}

export class WebhookClient {
  constructor(private readonly timeoutMs: number) {}

  async post(url: string, body: string, contentType: string, headers: Record<string, string>): Promise<WebhookResult> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType, ...headers },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? { ok: true, status: res.status } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, error: (err as Error).message.slice(0, 200) };
    }
  }
}
