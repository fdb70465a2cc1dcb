import { randomUUID } from 'node:crypto';
import type { FlowEvent } from '@vir/contracts';
import { aggregateStep, bucketStart, countByBucket, kindOf, parseChunk, summarise } from './flow-batch';

const OIN = '00000001234567890000';
const event = (over: Partial<FlowEvent> = {}): FlowEvent => ({
  eventId: randomUUID(),
  messageId: randomUUID(),
  component: 'gateway',
  step: 'gateway.received',
  outcome: 'ok',
  partyOin: OIN,
  at: '2026-11-22T10:15:30.000Z',
  ...over,
});
const record = (value: unknown) => ({ value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)) });

describe('parseChunk', () => {
  it('parses valid events and names the ones that violate the contract, without throwing', () => {
    const good = event();
    const { events, unprocessable } = parseChunk([record(good), record('not json'), record({ ...event(), step: 'BAD STEP' }), { value: null }]);
    expect(events).toEqual([good]);
    expect(unprocessable.map((u) => u.code)).toEqual(['CONTRACT_VIOLATION', 'CONTRACT_VIOLATION', 'CONTRACT_VIOLATION']);
  });

  it('counts an event delivered twice within one chunk once', () => {
    const e = event();
    expect(parseChunk([record(e), record(e)]).events).toHaveLength(1);
  });
});

describe('kindOf', () => {
  it('reads the message type from the steps that tell it', () => {
    expect(kindOf({ step: 'gateway.forwarded', detail: 'melding' })).toBe('melding');
    expect(kindOf({ step: 'gateway.received', detail: 'direct-xml intrekking' })).toBe('intrekking');
    expect(kindOf({ step: 'gateway.received', detail: 'regional-json' })).toBeUndefined();
    expect(kindOf({ step: 'index.signal-queued' })).toBe('signaal');
    expect(kindOf({ step: 'gateway.delivered' })).toBe('signaal');
    expect(kindOf({ step: 'index.ping-answered' })).toBe('ping');
    expect(kindOf({ step: 'index.stored' })).toBeUndefined();
  });
});

describe('summarise', () => {
  it('keeps first and last time, and the latest step as the status, whatever the order of arrival', () => {
    const messageId = randomUUID();
    const s = summarise([
      event({ messageId, step: 'gateway.delivery-attempt', outcome: 'failed', code: 'HTTP_500', at: '2026-11-22T10:00:02.000Z', partyOin: undefined }),
      event({ messageId, step: 'gateway.delivered', outcome: 'ok', at: '2026-11-22T10:00:05.000Z' }),
      event({ messageId, step: 'index.signal-queued', outcome: 'ok', at: '2026-11-22T10:00:01.000Z' }),
    ]);
    expect(s).toEqual([
      {
        messageId,
        partyOin: OIN,
        kind: 'signaal',
        firstAt: new Date('2026-11-22T10:00:01.000Z'),
        lastAt: new Date('2026-11-22T10:00:05.000Z'),
        lastStep: 'gateway.delivered',
        lastOutcome: 'ok',
        lastCode: null,
        events: 3,
      },
    ]);
  });
});

describe('countByBucket', () => {
  it('counts per minute or day, party, step, outcome and code, sorted by key (one lock order for concurrent chunks)', () => {
    const events = [
      event({ at: '2026-11-22T10:15:59.999Z' }),
      event({ at: '2026-11-22T10:15:00.000Z' }),
      event({ at: '2026-11-22T10:16:00.000Z' }),
      event({ at: '2026-11-22T10:16:01.000Z', step: 'gateway.validated', outcome: 'rejected', code: 'BSN_INVALID' }),
      event({ at: '2026-11-22T10:16:01.000Z', partyOin: undefined }),
    ];
    const minutes = countByBucket(events, 'minute');
    expect(minutes.map((c) => [c.bucket.toISOString().slice(11, 16), c.partyOin, c.step, c.outcome, c.code, c.count])).toEqual([
      ['10:15', OIN, 'gateway.received', 'ok', '', 2],
      ['10:16', '', 'gateway.received', 'ok', '', 1],
      ['10:16', OIN, 'gateway.received', 'ok', '', 1],
      ['10:16', OIN, 'gateway.validated', 'rejected', 'BSN_INVALID', 1],
    ]);
    const days = countByBucket(events, 'day');
    expect(days.reduce((n, c) => n + c.count, 0)).toBe(5);
    expect(bucketStart(new Date('2026-11-22T23:59:59Z'), 'day').toISOString()).toBe('2026-11-22T00:00:00.000Z');
  });
});

describe('aggregateStep', () => {
  it('counts a matching that found nothing apart from one that found a match', () => {
    expect(aggregateStep({ step: 'index.matched', detail: '0 match(es), 0 signal(s)' })).toBe('index.no-match');
    expect(aggregateStep({ step: 'index.matched', detail: '1 match(es), 2 signal(s)' })).toBe('index.matched');
    expect(aggregateStep({ step: 'gateway.received', detail: '0 match' })).toBe('gateway.received');
  });
});
