import { Contracts } from '@vir/contracts';
import type { KafkaRecord } from '@vir/messaging';
import { parseDeadLetter, positionMessageId, resendTarget } from './dead-letter';

const ID = '0b7e2a3c-1f4e-4c55-9a6b-2f0c6f0f9a11';
const OIN = '00000001234567890000';
const record = (value: object | string, offset = '7'): KafkaRecord => ({
  topic: 't1.vir.dead-letter.v1',
  partition: 0,
  offset,
  key: 't1.vir.inbound.v1:2:41',
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: {},
  timestamp: '0',
});

describe('dead letters', () => {
  const original = Buffer.from(JSON.stringify({ messageId: ID.toUpperCase(), senderOin: OIN, type: 'melding' }));

  it('reads a dead-letter record: position, source, reason and who the original names', () => {
    const dl = { sourceTopic: 't1.vir.inbound.v1', consumerGroup: 't1.vir-index', code: 'CONTRACT_VIOLATION', reason: 'bad', at: '2026-11-22T10:00:00.000Z', valueBase64: original.toString('base64') };
    Contracts.deadLetter.parse(Buffer.from(JSON.stringify(dl)));
    const row = parseDeadLetter(record(dl))!;
    expect(row).toMatchObject({ position: '0:7', sourceKey: 't1.vir.inbound.v1:2:41', sourceTopic: 't1.vir.inbound.v1', code: 'CONTRACT_VIOLATION', messageId: ID, partyOin: OIN });
    expect(row.value.equals(original)).toBe(true);
  });

  it('skips a dead-letter record that violates its own contract', () => {
    expect(parseDeadLetter(record('not json'))).toBeUndefined();
    expect(parseDeadLetter(record({ sourceTopic: 'x' }))).toBeUndefined();
  });

  it('sends a value back to its own topic, keyed as its producer keys it', () => {
    expect(resendTarget('vir.inbound.v1', 't1.', original)).toEqual({ topic: 'vir.inbound.v1', key: ID });
    expect(resendTarget('t1.vir.inbound.v1', 't1.', original)).toEqual({ topic: 'vir.inbound.v1', key: ID });
    const signal = Buffer.from(JSON.stringify({ messageId: ID, recipientOin: OIN }));
    expect(resendTarget('t1.vir.outbound.v1', 't1.', signal)).toEqual({ topic: 'vir.outbound.v1', key: OIN });
  });

  it('refuses what cannot go back: the dead-letter topic, a foreign topic, an unkeyable value', () => {
    expect(resendTarget('vir.dead-letter.v1', 't1.', original)).toHaveProperty('refusal');
    expect(resendTarget('other.vir.inbound.v1', 't1.', original)).toHaveProperty('refusal');
    expect(resendTarget('t1.vir.inbound.v1', 't1.', Buffer.from('garbage'))).toHaveProperty('refusal');
    expect(resendTarget('t1.vir.outbound.v1', 't1.', original)).toHaveProperty('refusal');
  });

  it('derives a stable UUID for a position', () => {
    expect(positionMessageId('0:7')).toBe(positionMessageId('0:7'));
    expect(positionMessageId('0:7')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
