import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Contracts, DeadLetter, FlowEvent, InboundMessage, OutboundMessage } from './envelopes';
import { ContractViolation, type MessageContract } from './message-contract';

// The compiled fast check must agree with class-validator exactly: same messages accepted, and
// every rejection still named by validateSync.

const slowProblems = (cls: new () => object, value: object) => validateSync(plainToInstance(cls, value), { whitelist: true, forbidNonWhitelisted: true }).length;

const valid: [MessageContract<object>, new () => object, Record<string, unknown>][] = [
  [Contracts.flowEvent, FlowEvent, { eventId: randomUUID(), messageId: randomUUID(), correlationIds: [randomUUID()], partyOin: '00000003273416560001', component: 'index', step: 'index.stored', outcome: 'ok', code: 'BSN_INVALID', at: new Date().toISOString(), detail: 'x' }],
  [Contracts.flowEvent, FlowEvent, { eventId: randomUUID(), messageId: randomUUID(), component: 'gateway', step: 'gateway.received', outcome: 'rejected', at: new Date().toISOString() }],
  [Contracts.inbound, InboundMessage, { messageId: randomUUID(), type: 'melding', senderOin: '00000003273416560001', channel: 'regional-json', receivedAt: new Date().toISOString(), xml: '<x/>' }],
  [Contracts.outbound, OutboundMessage, { messageId: randomUUID(), type: 'matchsignaal', recipientOin: '00000003273416560001', correlationIds: [randomUUID(), randomUUID()], producedAt: new Date().toISOString(), xml: '<x/>' }],
  [Contracts.deadLetter, DeadLetter, { sourceTopic: 't', consumerGroup: 'g', code: 'CONTRACT_VIOLATION', reason: 'r', at: new Date().toISOString(), valueBase64: '' }],
];

/** Variants of a valid message: each field dropped, nulled, set to a wrong type or value, and an extra field. */
function mutations(value: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{ ...value, extra: 1 }];
  for (const key of Object.keys(value)) {
    const { [key]: _dropped, ...rest } = value;
    void _dropped;
    out.push(rest, { ...value, [key]: null }, { ...value, [key]: 42 }, { ...value, [key]: 'not-valid' }, { ...value, [key]: ['not-valid'] }, { ...value, [key]: [] }, { ...value, [key]: 'x'.repeat(1001) });
  }
  return out;
}

describe('message contracts: compiled fast check', () => {
  it.each(valid.map((v, i) => [i, ...v] as const))('case %i accepts the valid message and every mutation exactly when class-validator does', (_i, contract, cls, value) => {
    expect(contract.validate(value)).toBeInstanceOf(cls);
    // The flat envelopes all get a compiled check (otherwise this spec would test nothing new).
    expect(typeof (contract as unknown as { fast: unknown }).fast).toBe('function');
    let rejected = 0;
    for (const variant of mutations(value)) {
      const slow = slowProblems(cls, variant);
      if (slow === 0) {
        expect(() => contract.validate(variant)).not.toThrow();
      } else {
        expect(() => contract.validate(variant)).toThrow(ContractViolation);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(5);
  });

  it('serialize and parse round-trip, and a non-object is refused', () => {
    const [contract, , value] = valid[0];
    expect(JSON.parse(contract.serialize(value).toString())).toEqual(value);
    expect(contract.parse(contract.serialize(value))).toEqual(Object.assign(new FlowEvent(), value));
    expect(() => contract.parse('[1]')).toThrow('not a JSON object');
    expect(() => contract.parse('nope')).toThrow('not valid JSON');
  });
});
