import { parseExposition, sampleSum, type ParsedExposition } from '@vir/metrics';
import { postJson, regionalMelding, request, startE2eStack, testBsn, waitUntil, type E2eStack } from '@vir/testing';

// Prometheus /metrics and the health endpoints of all three services, in a real stack: the
// exposition must parse strictly, and the counters must move when a melding goes through.

let e2e: E2eStack;
let base: Record<'gateway' | 'index' | 'monitor', string>;

async function scrape(url: string): Promise<ParsedExposition> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

beforeAll(async () => {
  e2e = await startE2eStack();
  // The gateway's operators' port (plain HTTP), not its party port.
  base = { gateway: e2e.stack.gatewayAdminUrl, index: e2e.stack.urls.index, monitor: e2e.stack.urls.monitor };
});

afterAll(async () => {
  await e2e?.stop();
});

describe('metrics and health of gateway, index and monitor (real stack)', () => {
  it('each service answers liveness, and readiness after checking PostgreSQL and Kafka', async () => {
    for (const [name, url] of Object.entries(base)) {
      const live = await fetch(`${url}/health/live`);
      expect([name, live.status, await live.json()]).toEqual([name, 200, { status: 'ok' }]);
      const ready = await fetch(`${url}/health/ready`);
      expect([name, ready.status, await ready.json()]).toEqual([name, 200, { status: 'ok', checks: { postgres: 'ok', kafka: 'ok' } }]);
    }
  });

  it('the counters move when a melding goes through, and every exposition parses strictly', async () => {
    const nhn = e2e.stack.parties.find((p) => p.name === 'regio-nhn')!;
    const before = { gateway: await scrape(base.gateway), index: await scrape(base.index), monitor: await scrape(base.monitor) };
    const melding = regionalMelding({ bsn: testBsn(9101), melderId: 'metrics-prof' });
    expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, melding, e2e.as(nhn))).status).toBe(202);
    await waitUntil(
      async () => {
        const res = await fetch(`${base.monitor}/v1/traces/${melding.berichtId}`);
        if (!res.ok) return undefined;
        const t = (await res.json()) as { steps: { step: string }[] };
        return t.steps.some((s) => s.step === 'index.matched') ? t : undefined;
      },
      30_000,
      'the melding stored and matched, as the monitor sees it',
    );
    const after = { gateway: await scrape(base.gateway), index: await scrape(base.index), monitor: await scrape(base.monitor) };
    const moved = (svc: keyof typeof before, name: string, labels: Record<string, string> = {}) => sampleSum(after[svc], name, labels) - sampleSum(before[svc], name, labels);

    expect(moved('gateway', 'vir_flow_steps_total', { step: 'gateway.received', outcome: 'ok', party: nhn.oin })).toBe(1);
    expect(moved('gateway', 'vir_flow_steps_total', { step: 'gateway.forwarded', party: nhn.oin })).toBe(1);
    expect(moved('gateway', 'vir_http_request_duration_seconds_count', { method: 'POST', route: '/v1/meldingen', status: '202' })).toBe(1);
    expect(after.gateway.types.get('vir_http_request_duration_seconds')).toBe('histogram');
    expect(after.gateway.samples.filter((s) => s.name === 'vir_gateway_signals').map((s) => s.labels.status).sort()).toEqual(['failed', 'queued', 'retrying', 'sent']);

    expect(moved('index', 'vir_flow_steps_total', { step: 'index.stored', party: nhn.oin })).toBe(1);
    expect(moved('index', 'vir_index_records_total')).toBeGreaterThanOrEqual(1);
    expect(moved('index', 'vir_index_chunk_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(after.index.samples.some((s) => s.name === 'vir_index_outbox_backlog')).toBe(true);

    expect(moved('monitor', 'vir_monitor_flow_events_total', { result: 'inserted' })).toBeGreaterThanOrEqual(5);
    expect(after.monitor.samples.filter((s) => s.name === 'vir_consumer_lag').map((s) => s.labels.group).sort()).toEqual(['vir-gateway-delivery', 'vir-index', 'vir-monitor']);
    expect(after.monitor.types.get('vir_alert_open')).toBe('gauge');
    expect(sampleSum(after.monitor, 'vir_alert_evaluations_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    for (const svc of ['gateway', 'index', 'monitor'] as const) {
      expect(after[svc].samples.find((s) => s.name === 'vir_process_resident_memory_bytes')?.labels.service).toBe(`vir-${svc}`);
    }
  });

  it('the gateway does not serve /metrics on its party port (mutual TLS)', async () => {
    const res = await request(`${e2e.stack.urls.gateway}/metrics`, { tls: e2e.as('regio-nhn') });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('vir_flow_steps_total');
  });
});
