import { execFileSync } from 'node:child_process';
import { DEMO_PARTIES } from '@vir/devstack';
import { postJson, regionalMelding, startE2eStack, testBsn, waitUntil, type E2eStack } from '@vir/testing';

// A regional tenant's batch of meldingen: a result per item, idempotency per item, a limit.

let e2e: E2eStack;

beforeAll(async () => {
  e2e = await startE2eStack({ gateway: { BATCH_MAX_ITEMS: '6' } });
});

afterAll(async () => {
  await e2e?.stop();
});

const url = (path: string) => `${e2e.stack.urls.gateway}${path}`;
const batch = (meldingen: unknown[], party = 'regio-nhn') => postJson(url('/v1/meldingen/batch'), { meldingen }, e2e.as(party));

function inboundKeys(): string[] {
  return execFileSync('kcat', ['-b', process.env.VIR_TEST_KAFKA_BROKERS!, '-C', '-t', `${e2e.namespace}.vir.inbound.v1`, '-e', '-q', '-f', '%k\\n'], { encoding: 'utf8', timeout: 30_000 })
    .split('\n')
    .filter(Boolean);
}

interface Answer {
  accepted: number;
  rejected: number;
  summary: string;
  results: { index: number; trackingId?: string; result: string; replayed?: true; code?: string; details?: string[] }[];
}

const m0 = regionalMelding({ bsn: testBsn(5001), melderId: 'b-0' });
const m1 = regionalMelding({ bsn: testBsn(5002), melderId: 'b-1' });
const badBsn = { ...regionalMelding({ bsn: testBsn(5003), melderId: 'b-2' }), jeugdige: { bsn: '123456789', geboortedatum: '2012-01-01' } };
const missing: Record<string, unknown> = regionalMelding({ bsn: testBsn(5004), melderId: 'b-3' });
delete missing.melder;
const foreign = { ...regionalMelding({ bsn: testBsn(5005), melderId: 'b-4' }), afzenderOin: DEMO_PARTIES.find((p) => p.name === 'regio-twente')!.oin };
const tooMany = Array.from({ length: 7 }, (_, i) => regionalMelding({ bsn: testBsn(5100 + i), melderId: `many-${i}` }));

describe('a batch of meldingen', () => {
  it('answers each item: accepted with its tracking id, or rejected with its code, and a summary', async () => {
    expect((await postJson(url('/v1/meldingen'), m0, e2e.as('regio-nhn'))).status).toBe(202);
    // m0 again (sent alone before, keys in another order), m1, three refused, and m1 repeated.
    const reordered = Object.fromEntries(Object.entries(m0).reverse());
    const res = await batch([reordered, m1, badBsn, missing, foreign, m1]);
    expect(res.status).toBe(200);
    const answer = res.body as Answer;
    expect(answer.results.map(({ index, trackingId, result, replayed, code }) => ({ index, trackingId, result, replayed, code }))).toEqual([
      { index: 0, trackingId: m0.berichtId, result: 'accepted', replayed: true, code: undefined },
      { index: 1, trackingId: m1.berichtId, result: 'accepted', replayed: undefined, code: undefined },
      { index: 2, trackingId: badBsn.berichtId, result: 'rejected', replayed: undefined, code: 'BSN_INVALID' },
      { index: 3, trackingId: missing.berichtId, result: 'rejected', replayed: undefined, code: 'VALIDATION_FAILED' },
      { index: 4, trackingId: foreign.berichtId, result: 'rejected', replayed: undefined, code: 'OIN_MISMATCH' },
      { index: 5, trackingId: undefined, result: 'rejected', replayed: undefined, code: 'VALIDATION_FAILED' },
    ]);
    expect(answer.results[3].details).toEqual(expect.arrayContaining([expect.stringContaining('melder')]));
    expect(answer.results[5].details).toEqual(['berichtId: repeated within the batch']);
    expect({ accepted: answer.accepted, rejected: answer.rejected, summary: answer.summary }).toEqual({
      accepted: 2,
      rejected: 4,
      summary: '2 accepted, 4 rejected: 1 × BSN_INVALID, 2 × VALIDATION_FAILED, 1 × OIN_MISMATCH',
    });
    // No BSN in the answer (tracking ids are hex and may hold digit runs).
    expect(JSON.stringify(answer.results.map((r) => ({ ...r, trackingId: undefined })))).not.toMatch(/\d{9}/);
  });

  it('is idempotent per item: the same batch again forwards nothing new; an item resent alone is the same message', async () => {
    const again = (await batch([m0, m1, badBsn])).body as Answer;
    expect(again.results.map((r) => [r.result, r.replayed ?? false, r.code])).toEqual([
      ['accepted', true, undefined],
      ['accepted', true, undefined],
      ['rejected', false, 'BSN_INVALID'],
    ]);
    expect(await postJson(url('/v1/meldingen'), m1, e2e.as('regio-nhn'))).toEqual({ status: 202, body: { trackingId: m1.berichtId, status: 'accepted', replayed: true } });
    const changed = (await batch([{ ...m1, referentie: 'other content' }])).body as Answer;
    expect(changed.results[0]).toMatchObject({ result: 'rejected', code: 'MESSAGE_ID_REUSED', trackingId: m1.berichtId });
  });

  it.each([
    ['over the limit', () => batch(tooMany), 413, 'BATCH_TOO_LARGE'],
    ['empty', () => batch([]), 400, 'VALIDATION_FAILED'],
    ['not { meldingen: [...] }', () => postJson(url('/v1/meldingen/batch'), [m0], e2e.as('regio-nhn')), 400, 'VALIDATION_FAILED'],
    ['malformed JSON', () => postJson(url('/v1/meldingen/batch'), '{"meldingen": [', e2e.as('regio-nhn')), 400, 'MALFORMED_JSON'],
    ['from a direct party', () => batch([m0], 'rvdk'), 403, 'WRONG_CHANNEL'],
    ['without a client certificate', () => postJson(url('/v1/meldingen/batch'), { meldingen: [m0] }, { ca: e2e.as('regio-nhn').ca }), 401, 'CLIENT_CERT_MISSING'],
  ] as const)('is refused as a whole when %s', async (_name, send, status, code) => {
    const res = await send();
    expect({ status: res.status, code: (res.body as { code: string }).code }).toEqual({ status, code });
  });

  it('forwarded each accepted melding once and nothing refused (kcat)', async () => {
    const keys = await waitUntil(
      async () => {
        const k = inboundKeys();
        return k.includes(m0.berichtId) && k.includes(m1.berichtId) ? k : undefined;
      },
      15_000,
      'the accepted meldingen on the inbound topic',
    );
    expect(keys.filter((k) => k === m0.berichtId)).toHaveLength(1);
    expect(keys.filter((k) => k === m1.berichtId)).toHaveLength(1);
    const refused = [badBsn.berichtId, missing.berichtId as string, foreign.berichtId, ...tooMany.map((m) => m.berichtId)];
    expect(keys.filter((k) => refused.includes(k))).toEqual([]);
    expect(keys).toHaveLength(2);
  });
});
