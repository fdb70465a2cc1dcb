import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock } from '@vir/domain';
import { createDevPki, crlFile, issuePartyCertificate, loadCaBundle, loadCredentials, revokeCertificate, TrustStore } from '@vir/pki';
import { fingerprintOf, type Party } from '../parties/party';
import { PartyRegistry } from '../parties/party.registry';
import { clientCertificateOf, type ClientCertificate } from './client-certificate';
import { GatewayError } from './gateway.error';
import { PartyAuthenticator } from './party-authenticator';
import { testParty } from '../parties/party.fixture';

const OIN = '00000003273416560001';
const STRANGER = '00000009999999999001';
let dir: string;
let otherDir: string;
let store: TrustStore;
let registry: PartyRegistry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vir-auth-'));
  otherDir = mkdtempSync(join(tmpdir(), 'vir-auth-other-'));
  const specs = [
    { name: 'regio-nhn', oin: OIN, commonName: 'Verwijsindex NHN' },
    { name: 'stranger', oin: STRANGER, commonName: 'Onbekend' },
  ];
  await Promise.all([createDevPki(dir, specs), createDevPki(otherDir, specs.slice(0, 1))]);
  const [root, issuing] = loadCaBundle(dir);
  store = new TrustStore({ roots: [root], intermediates: [issuing], crls: [readFileSync(crlFile(dir), 'utf8')] });
  registry = PartyRegistry.of([party()]);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(otherDir, { recursive: true, force: true });
});

/** NHN as registered: its current certificate, active. */
function party(over: Partial<Party> = {}): Party {
  return testParty({
    oin: OIN,
    name: 'Verwijsindex NHN',
    kind: 'regional',
    convenant: '7',
    certificates: [fingerprintOf(loadCredentials(dir, 'regio-nhn').certificatePem)],
    deliveryFormat: 'json',
    ...over,
  });
}

const presented = (certDir: string, name: string, authorized = true): ClientCertificate => ({ pem: loadCredentials(certDir, name).certificatePem, authorized });

function refusal(f: () => unknown): { code: string; status: number; details?: string[]; retryAfter?: number } {
  try {
    f();
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    return { code: err.code, status: err.status, ...(err.details ? { details: err.details } : {}), ...(err.retryAfterSeconds ? { retryAfter: err.retryAfterSeconds } : {}) };
  }
  throw new Error('not refused');
}

describe('PartyAuthenticator', () => {
  const auth = () => new PartyAuthenticator(registry, store, new FixedClock(new Date()));

  it('identifies the party by the OIN in a trusted client certificate', () => {
    expect(auth().authenticate(presented(dir, 'regio-nhn')).oin).toBe(OIN);
  });

  it('refuses a request without a certificate', () => {
    expect(refusal(() => auth().authenticate(undefined))).toEqual({ code: 'CLIENT_CERT_MISSING', status: 401 });
  });

  it('refuses a certificate of another CA, naming the reason', () => {
    expect(refusal(() => auth().authenticate(presented(otherDir, 'regio-nhn')))).toEqual({ code: 'CLIENT_CERT_UNTRUSTED', status: 401, details: ['CERT_UNKNOWN_CA'] });
  });

  it("refuses a certificate OpenSSL did not accept, even if the trust store would", () => {
    const cert = { ...presented(dir, 'regio-nhn', false), authorizationError: 'unsupported certificate purpose' };
    expect(refusal(() => auth().authenticate(cert))).toEqual({ code: 'CLIENT_CERT_UNTRUSTED', status: 401, details: ['unsupported certificate purpose'] });
  });

  it('refuses a trusted certificate of an unregistered OIN', () => {
    expect(refusal(() => auth().authenticate(presented(dir, 'stranger')))).toEqual({ code: 'UNKNOWN_PARTY', status: 401 });
  });

  it('refuses a revoked certificate', async () => {
    const next = await issuePartyCertificate(dir, { name: 'regio-nhn', oin: OIN, commonName: 'Verwijsindex NHN' }, { rollover: true });
    const cert = { pem: next.certificatePem, authorized: true };
    // Trusted, right OIN, but not (yet) registered for the party.
    expect(refusal(() => auth().authenticate(cert))).toMatchObject({ code: 'CLIENT_CERT_NOT_REGISTERED', status: 401 });
    registry = PartyRegistry.of([party({ certificates: [...party().certificates, fingerprintOf(next.certificatePem)] })]);
    expect(auth().authenticate(cert).oin).toBe(OIN);
    await revokeCertificate(dir, next.certificatePem, 'keyCompromise');
    const [root, issuing] = loadCaBundle(dir);
    const revoking = new TrustStore({ roots: [root], intermediates: [issuing], crls: [readFileSync(crlFile(dir), 'utf8')] });
    expect(refusal(() => new PartyAuthenticator(registry, revoking, new FixedClock(new Date())).authenticate(cert))).toEqual({ code: 'CLIENT_CERT_REVOKED', status: 401 });
  });

  it('refuses a suspended party', () => {
    const suspended = PartyRegistry.of([party({ status: 'suspended' })]);
    expect(refusal(() => new PartyAuthenticator(suspended, store, new FixedClock(new Date())).authenticate(presented(dir, 'regio-nhn')))).toEqual({ code: 'PARTY_SUSPENDED', status: 403 });
  });

  it('answers 503 with Retry-After while the CRL is past its nextUpdate (fail closed, our problem)', () => {
    const later = new FixedClock(new Date(Date.now() + 40 * 86_400_000));
    expect(refusal(() => new PartyAuthenticator(registry, store, later).authenticate(presented(dir, 'regio-nhn')))).toEqual({ code: 'CERT_CRL_STALE', status: 503, retryAfter: 60 });
  });
});

describe('clientCertificateOf', () => {
  it('finds none on plain HTTP or without a certificate, and the PEM and verdict otherwise', () => {
    expect(clientCertificateOf({} as Socket)).toBeUndefined();
    const none = { encrypted: true, authorized: false, getPeerCertificate: () => ({}) };
    expect(clientCertificateOf(none as unknown as Socket)).toBeUndefined();
    const pem = loadCredentials(dir, 'regio-nhn').certificatePem;
    const raw = new X509Certificate(pem).raw;
    let reads = 0;
    const socket = { encrypted: true, authorized: true, authorizationError: null, getPeerCertificate: () => (reads++, { raw }) };
    const first = clientCertificateOf(socket as unknown as Socket);
    expect(first).toEqual({ pem: new X509Certificate(raw).toString(), authorized: true });
    // One read per connection, however many requests it carries.
    expect(clientCertificateOf(socket as unknown as Socket)).toBe(first);
    expect(reads).toBe(1);
  });
});
