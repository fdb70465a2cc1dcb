// Round trips and refusals of the messages added in schema version 1.1.
import type { OntvangstbevestigingBericht } from '@vir/contracts';
import {
  answerPing,
  forwardPing,
  openFoutbericht,
  openIntrekking,
  openMatchsignaal,
  openOntvangstbevestiging,
  openPing,
  openVerwijdering,
  signFoutbericht,
  signIntrekking,
  signOntvangstbevestiging,
  signPing,
  signVerwijdering,
  XmlMessageError,
  type XmlDetailCode,
} from './index';
import {
  BSN,
  createTestPki,
  NOW,
  OIN,
  sampleFoutbericht,
  sampleIntrekking,
  sampleOntvangstbevestiging,
  samplePing,
  sampleVerwijdering,
  type TestPki,
  refusalOf,
} from './test-pki.fixture';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(() => pki.cleanup());

const o = () => ({ trustStore: pki.trustStore, at: NOW });

function detailOf(fn: () => unknown): XmlDetailCode | 'accepted' {
  const r = refusalOf(fn);
  return r === 'accepted' ? r : r.detailCode;
}

describe('Intrekking', () => {
  it('round-trips by BerichtId and Referentie, by either alone, with and without reason', () => {
    const full = sampleIntrekking();
    expect(openIntrekking(signIntrekking(full, pki.rvdk), o()).message).toEqual(full);
    const byId = { ...sampleIntrekking(), melding: { berichtId: full.melding.berichtId! } };
    delete (byId as { reden?: string }).reden;
    expect(openIntrekking(signIntrekking(byId, pki.rvdk), o()).message).toEqual(byId);
    const byRef = { ...sampleIntrekking(), melding: { referentie: 'RvdK-2025-0042' } };
    expect(openIntrekking(signIntrekking(byRef, pki.rvdk), o()).message).toEqual(byRef);
  });

  it('needs a reference and carries no BSN', () => {
    expect(detailOf(() => signIntrekking({ ...sampleIntrekking(), melding: {} }, pki.rvdk))).toBe('XML_SCHEMA_VIOLATION');
    expect(detailOf(() => signIntrekking({ ...sampleIntrekking(), reden: 'verhuisd' as never }, pki.rvdk))).toBe('XML_SCHEMA_VIOLATION');
    const xml = signIntrekking(sampleIntrekking(), pki.rvdk);
    expect(xml).not.toMatch(/Bsn/);
  });

  it('is withdrawn only by its own sender', () => {
    expect(detailOf(() => signIntrekking(sampleIntrekking(OIN.regio), pki.rvdk))).toBe('OIN_MISMATCH');
    const xml = signIntrekking(sampleIntrekking(OIN.regio), { ...pki.rvdk, oin: OIN.regio });
    expect(detailOf(() => openIntrekking(xml, o()))).toBe('OIN_MISMATCH');
  });
});

describe('Verwijdering', () => {
  it('round-trips; the ordering party is the signer', () => {
    const order = sampleVerwijdering();
    const opened = openVerwijdering(signVerwijdering(order, pki.regio), o());
    expect(opened.message).toEqual(order);
    expect(opened.signerOin).toBe(OIN.regio);
    const byId = { ...sampleVerwijdering(), melding: { afzenderOin: OIN.rvdk, berichtId: '6f1d3a52-3d5e-4b8f-9a51-0c6f2a0e9d11' } };
    expect(openVerwijdering(signVerwijdering(byId, pki.regio), o()).message).toEqual(byId);
  });

  it('refuses a bad gemeente code or reason', () => {
    expect(detailOf(() => signVerwijdering({ ...sampleVerwijdering(), gemeentecode: 'GM0363' }, pki.regio))).toBe('XML_SCHEMA_VIOLATION');
    expect(detailOf(() => signVerwijdering({ ...sampleVerwijdering(), reden: 'zomaar' as never }, pki.regio))).toBe('XML_SCHEMA_VIOLATION');
  });
});

describe('Ontvangstbevestiging', () => {
  it('round-trips per-item results of a batch', () => {
    const ack = sampleOntvangstbevestiging();
    expect(openOntvangstbevestiging(signOntvangstbevestiging(ack, pki.index), o()).message).toEqual(ack);
  });

  it('holds 1 to 1000 items', () => {
    const item = sampleOntvangstbevestiging().resultaten[0];
    const many: OntvangstbevestigingBericht = { ...sampleOntvangstbevestiging(), resultaten: Array.from({ length: 1000 }, () => item) };
    const xml = signOntvangstbevestiging(many, pki.index);
    expect(openOntvangstbevestiging(xml, { ...o(), maxBytes: 1 << 20 }).message.resultaten).toHaveLength(1000);
    expect(detailOf(() => signOntvangstbevestiging({ ...many, resultaten: [...many.resultaten, item] }, pki.index))).toBe('XML_SCHEMA_VIOLATION');
    expect(detailOf(() => signOntvangstbevestiging({ ...many, resultaten: [] }, pki.index))).toBe('XML_SCHEMA_VIOLATION');
  });

  it('never carries a BSN-like number in an error description', () => {
    const ack = sampleOntvangstbevestiging();
    ack.resultaten[1] = { trackingId: ack.resultaten[1].trackingId, resultaat: 'afgewezen', fout: { code: 'BSN_INVALID', omschrijving: `BSN ${BSN.jeugdige} is invalid` } };
    expect(detailOf(() => signOntvangstbevestiging(ack, pki.index))).toBe('XML_SCHEMA_VIOLATION');
  });
});

describe('Foutbericht', () => {
  it('round-trips', () => {
    const fout = sampleFoutbericht();
    expect(openFoutbericht(signFoutbericht(fout, pki.index), o()).message).toEqual(fout);
  });

  it('refuses a malformed code', () => {
    expect(detailOf(() => signFoutbericht({ ...sampleFoutbericht(), code: 'not a code' }, pki.index))).toBe('XML_SCHEMA_VIOLATION');
  });
});

describe('Ping', () => {
  it('goes out, gains hops on the way and comes back with the same PingId', () => {
    const ping = samplePing();
    const atGateway = openPing(signPing(ping, pki.regio), o()).message;
    expect(atGateway).toEqual(ping);

    const forwarded = forwardPing(atGateway, { component: 'gateway', tijdstip: '2025-03-01T10:00:00.010Z', afzenderOin: OIN.rvdk });
    const atIndex = openPing(signPing(forwarded, pki.rvdk), o());
    expect(atIndex.signerOin).toBe(OIN.rvdk);
    expect(atIndex.message.hops.map((h) => h.component)).toEqual(['regio:nhn/connector', 'gateway']);

    const pong = answerPing(atIndex.message, { component: 'index', tijdstip: '2025-03-01T10:00:00.025Z', afzenderOin: OIN.index });
    const back = openPing(signPing(pong, pki.index), o()).message;
    expect(back).toMatchObject({ pingId: ping.pingId, richting: 'terug', ontvangerOin: OIN.rvdk, afzenderOin: OIN.index });
    expect(back.hops).toHaveLength(3);
    expect(back.berichtId).not.toBe(ping.berichtId);
    expect(() => answerPing(back, { component: 'x', tijdstip: '2025-03-01T10:00:01Z', afzenderOin: OIN.rvdk })).toThrow(XmlMessageError);
  });

  it('a hop appended without re-signing breaks the signature', () => {
    const xml = signPing(samplePing(), pki.regio).replace('</Hops>', '<Hop><Component>evil</Component><Tijdstip>2025-03-01T10:00:00Z</Tijdstip></Hop></Hops>');
    expect(detailOf(() => openPing(xml, o()))).toBe('SIGNATURE_DIGEST_MISMATCH');
  });

  it('refuses 0 or more than 32 hops and odd component names', () => {
    expect(detailOf(() => signPing({ ...samplePing(), hops: [] }, pki.regio))).toBe('XML_SCHEMA_VIOLATION');
    const hop = samplePing().hops[0];
    expect(detailOf(() => signPing({ ...samplePing(), hops: Array.from({ length: 33 }, () => hop) }, pki.regio))).toBe('XML_SCHEMA_VIOLATION');
    expect(detailOf(() => signPing({ ...samplePing(), hops: [{ ...hop, component: 'two words' }] }, pki.regio))).toBe('XML_SCHEMA_VIOLATION');
  });
});

describe('message types are not interchangeable', () => {
  it('each open* refuses the others with XML_WRONG_MESSAGE_TYPE', () => {
    const ping = signPing(samplePing(), pki.regio);
    expect(detailOf(() => openIntrekking(ping, o()))).toBe('XML_WRONG_MESSAGE_TYPE');
    expect(detailOf(() => openMatchsignaal(signFoutbericht(sampleFoutbericht(), pki.index), o()))).toBe('XML_WRONG_MESSAGE_TYPE');
    expect(detailOf(() => openFoutbericht(ping, o()))).toBe('XML_WRONG_MESSAGE_TYPE');
  });
});
