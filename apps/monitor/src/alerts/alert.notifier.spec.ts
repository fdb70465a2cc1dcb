import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertNotifier, webhookBody } from './alert.notifier';
import type { AlertTransition } from './alert.store';

const transition: AlertTransition = {
  event: 'opened',
  at: new Date('2026-03-01T12:00:00Z'),
  alert: { id: '7', rule: 'party-silent', subject: '00000001000000000001', partyOin: '00000001000000000001', state: 'open', summary: 'nothing received', openedAt: new Date('2026-03-01T12:00:00Z'), acknowledgedAt: null, acknowledgedBy: null, closedAt: null },
};

describe('AlertNotifier', () => {
  let server: Server;
  let url: string;
  let answers: number[];
  const bodies: unknown[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        res.writeHead(answers.shift() ?? 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => (bodies.length = 0));

  it('POSTs the transition as JSON, retrying a failed attempt', async () => {
    answers = [500, 204];
    const warn: string[] = [];
    const n = new AlertNotifier({ url, backoffMs: 10, log: { warn: (l) => warn.push(l), error: () => undefined } });
    n.notify([transition]);
    await n.settle();
    expect(bodies).toEqual([webhookBody(transition), webhookBody(transition)]);
    expect(webhookBody(transition)).toEqual({ event: 'opened', at: '2026-03-01T12:00:00.000Z', alert: { id: '7', rule: 'party-silent', subject: '00000001000000000001', partyOin: '00000001000000000001', state: 'open', summary: 'nothing received', openedAt: '2026-03-01T12:00:00.000Z' } });
    expect(warn).toEqual([expect.stringMatching(/attempt 1 failed \(HTTP 500\)/)]);
  });

  it('gives up after its attempts with an error log line, without throwing', async () => {
    answers = [503, 503, 503];
    const errors: string[] = [];
    const n = new AlertNotifier({ url, attempts: 3, backoffMs: 5, log: { warn: () => undefined, error: (l) => errors.push(l) } });
    n.notify([transition]);
    await n.settle();
    expect(bodies).toHaveLength(3);
    expect(errors).toEqual([expect.stringMatching(/^ALERT WEBHOOK FAILED after 3 attempts \(HTTP 503\): opened alert 7 party-silent/)]);
  });

  it('keeps the order of transitions while one is retried (never closed before opened)', async () => {
    answers = [500, 204, 204, 204];
    const n = new AlertNotifier({ url, backoffMs: 20, log: { warn: () => undefined, error: () => undefined } });
    n.notify([transition]);
    n.notify([{ ...transition, event: 'acknowledged', actor: 'op' }, { ...transition, event: 'closed' }]);
    await n.settle();
    expect(bodies.map((b) => (b as { event: string }).event)).toEqual(['opened', 'opened', 'acknowledged', 'closed']);
  });

  it('sends nothing without a URL', async () => {
    const n = new AlertNotifier({ log: { warn: () => undefined, error: () => undefined } });
    n.notify([transition]);
    await n.settle();
    expect(bodies).toEqual([]);
  });
});
