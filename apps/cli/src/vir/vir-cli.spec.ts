import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevPki, loadCaBundle, loadCredentials, TrustStore } from '@vir/pki';
import { openMelding, openMatchsignaal, openMatchsignalen } from '@vir/xml';
import { memoryIo } from './cli-io';
import { runVir, usage } from './vir-cli';

// The CLI's commands, run in-process through runVir with captured stdout/stderr, on a PKI
// directory of their own (never the repository's certs/dev).

const NHN = '00000003273416560001';
const INDEX = '00000001823288444000';
const BSN = { jeugdige: '111222333', ouder: '123456782' };

let work: string;
let pki: string;
const everything: string[] = []; // all output, checked for key material at the end

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'vir-cli-'));
  pki = join(work, 'pki');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  err: string;
}

async function vir(args: string[], options: { now?: Date; stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const io = memoryIo({ env: options.env ?? {}, cwd: work, stdin: options.stdin, now: options.now ? () => options.now! : undefined });
  const code = await runVir(options.env || args.includes('--pki-dir') ? args : [...args, '--pki-dir', pki], io);
  const run = { code, ...io.output() };
  everything.push(run.out, run.err);
  return run;
}

function tenantMelding(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    berichtId: '0b6f8e4c-8a57-4c1e-9a43-2f4f3c7f1a01',
    referentie: 'NHN-2025-0001',
    jeugdige: { bsn: BSN.jeugdige, geboortedatum: '2012-05-04' },
    ouders: [{ bsn: BSN.ouder }],
    meldingsdatum: new Date().toISOString().slice(0, 10),
    melder: { id: 'nhn-017', naam: 'Anna de Vries (mentor)', telefoon: '072-5112233' },
    organisatie: { naam: 'Scholengemeenschap Den Helder', domein: 'onderwijs' },
    ...overrides,
  };
}

function file(name: string, content: unknown): string {
  writeFileSync(join(work, name), typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

const trustStore = () => {
  const [root, issuing] = loadCaBundle(pki);
  return new TrustStore({ roots: [root], intermediates: [issuing] });
};

describe('vir help and usage errors', () => {
  it('prints the usage of every command for no arguments, help and --help', async () => {
    for (const args of [[], ['help'], ['--help']]) {
      const run = await vir(args, { env: {} });
      expect(run).toEqual({ code: 0, out: usage(), err: '' });
    }
    for (const command of ['render', 'sign', 'verify', 'pki issue', 'pki revoke', 'pki crl', 'pki root', 'pki expiring', 'pki promote', 'pki list']) {
      expect(usage()).toContain(`  vir ${command}`);
    }
  });

  it('answers unknown commands, unknown options and missing arguments with exit 2', async () => {
    expect(await vir(['frobnicate'])).toMatchObject({ code: 2, out: '', err: expect.stringContaining("unknown command 'frobnicate'") });
    expect(await vir(['pki', 'nope'])).toMatchObject({ code: 2, err: expect.stringContaining("unknown command 'pki nope'") });
    expect(await vir(['pki', 'root', '--bogus'])).toMatchObject({ code: 2, err: expect.stringContaining('--bogus') });
    expect(await vir(['render'])).toMatchObject({ code: 2, err: expect.stringContaining('usage: vir render') });
    expect(await vir(['render', 'x.json'])).toMatchObject({ code: 2, err: expect.stringContaining('--party is required') });
    expect(await vir(['pki', 'issue', '--help'])).toMatchObject({ code: 0, out: expect.stringContaining('Usage: vir pki issue <name>') });
  });
});

describe('vir pki', () => {
  it('generates the development PKI on first use, telling stderr, and prints root then issuing CA', async () => {
    const run = await vir(['pki', 'root']);
    expect(run.code).toBe(0);
    expect(run.err).toContain('generating the development PKI');
    const pems = run.out.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g)!;
    expect(pems).toHaveLength(2);
    expect(pems.join('')).toBe(run.out); // nothing else on stdout
    const [root, issuing] = pems.map((p) => new X509Certificate(p));
    expect(root.subject).toContain('CN=VIR Dev Root CA');
    expect(issuing.subject).toContain('CN=VIR Dev Issuing CA');
    expect(issuing.verify(root.publicKey)).toBe(true);
    expect((await vir(['pki', 'root'])).err).toBe(''); // only the first time
  });

  it('takes the directory from VIR_PKI_DIR too', async () => {
    const run = await vir(['pki', 'root'], { env: { VIR_PKI_DIR: pki } });
    expect(run).toMatchObject({ code: 0, err: '' });
  });

  it('prints the CRL as PEM, or readable with --text', async () => {
    const pem = await vir(['pki', 'crl']);
    expect(pem.out).toMatch(/^-----BEGIN X509 CRL-----\n[^-]+-----END X509 CRL-----\n$/);
    const text = await vir(['pki', 'crl', '--text']);
    expect(text.out).toMatch(/^CRL #1 of C=NL, O=VIR ontwikkel-PKI, CN=VIR Dev Issuing CA\n/);
    expect(text.out).toContain('revoked      0');
  });

  it('issues a new party (never printing its key) and needs --oin and --cn for it', async () => {
    expect(await vir(['pki', 'issue', 'gemeente-x'])).toMatchObject({ code: 2, err: expect.stringContaining('--oin and --cn are required') });
    expect(await vir(['pki', 'issue', 'gemeente-x', '--oin', '123', '--cn', 'X'])).toMatchObject({ code: 2 });
    const run = await vir(['pki', 'issue', 'gemeente-x', '--oin', '00000004001234567000', '--cn', 'Gemeente X', '--days', '30']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^issued gemeente-x: Gemeente X, OIN 00000004001234567000, serial [0-9A-F]+\n/);
    expect(statSync(join(pki, 'gemeente-x.key.pem')).mode & 0o777).toBe(0o600);
    expect(loadCredentials(pki, 'gemeente-x').oin).toBe('00000004001234567000');
    expect((await vir(['pki', 'expiring'])).out).toMatch(/^party .*\ngemeente-x\s+00000004001234567000\s+[0-9A-F]+\s+\S+\s+29\n$/);
  });

  it('lists certificates that expire soon, and says so when none do', async () => {
    const later = await vir(['pki', 'expiring', '--days', '800']);
    expect(later.out.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(6);
    expect(later.out).toContain('landelijke-index');
    expect(await vir(['pki', 'expiring', '--days', '5'])).toMatchObject({ code: 0, out: expect.stringMatching(/^no certificate expires within 5 days/) });
    expect(await vir(['pki', 'expiring', '--days', 'soon'])).toMatchObject({ code: 2 });
  });
});

describe('vir render', () => {
  it('renders a tenant melding as sealed national XML: signed by the party, BSNs only for the index', async () => {
    const run = await vir(['render', file('melding.json', tenantMelding()), '--party', 'regio-nhn']);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toMatch(/^<\?xml[^>]*\?><Melding xmlns="urn:nl:vir:berichten:v1"/);
    expect(run.out).not.toContain(BSN.jeugdige);
    expect(run.out).not.toContain(BSN.ouder);
    const index = loadCredentials(pki, 'landelijke-index-enc'); // BSNs are encrypted for the index's EC key
    const opened = openMelding(run.out, { trustStore: trustStore(), at: new Date(), recipientKey: index.privateKey });
    expect(opened.signerOin).toBe(NHN);
    expect(opened.message).toMatchObject({
      berichtId: '0b6f8e4c-8a57-4c1e-9a43-2f4f3c7f1a01',
      afzenderOin: NHN,
      convenant: '7', // the tenant's covenant area, from the party
      jeugdige: { bsn: BSN.jeugdige, geboortedatum: '2012-05-04' },
      ouders: [{ bsn: BSN.ouder }],
    });
  });

  it('takes the party by OIN, reads stdin, and writes --out', async () => {
    const run = await vir(['render', '-', '--party', NHN, '--out', 'out.xml'], { stdin: JSON.stringify(tenantMelding()) });
    expect(run).toMatchObject({ code: 0, out: '', err: expect.stringContaining('wrote Melding') });
    expect(readFileSync(join(work, 'out.xml'), 'utf8')).toMatch(/<\/Melding>\n$/);
  });

  it('refuses invalid meldingen with the gateway codes and exit 2', async () => {
    const bad = await vir(['render', file('bad.json', tenantMelding({ berichtId: 'x', extra: 1 })), '--party', 'regio-nhn']);
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toContain('VALIDATION_FAILED');
    expect(bad.err).toContain('berichtId must be a UUID');
    expect(bad.err).toContain('property extra should not exist');
    const proef = await vir(['render', file('proef.json', tenantMelding({ jeugdige: { bsn: '111222334', geboortedatum: '2012-05-04' } })), '--party', 'regio-nhn']);
    expect(proef).toMatchObject({ code: 2, err: expect.stringContaining('BSN_INVALID') });
    expect(proef.err).not.toContain('111222334'); // codes and fields, never the value
    expect(await vir(['render', file('broken.json', '{'), '--party', 'regio-nhn'])).toMatchObject({ code: 2, err: expect.stringContaining('MALFORMED_JSON') });
    expect(await vir(['render', 'missing.json', '--party', 'regio-nhn'])).toMatchObject({ code: 2, err: expect.stringContaining('ENOENT') });
    expect(await vir(['render', file('m2.json', tenantMelding()), '--party', 'nobody'])).toMatchObject({ code: 2, err: expect.stringContaining("unknown party 'nobody'") });
    // Not a demo party: the covenant area has to be given.
    expect(await vir(['render', 'm2.json', '--party', 'gemeente-x'])).toMatchObject({ code: 2, err: expect.stringContaining('--convenant') });
    expect((await vir(['render', 'm2.json', '--party', 'gemeente-x', '--convenant', '12'])).code).toBe(0);
  });
});

describe('vir sign', () => {
  it('signs a national matchsignaal given as JSON, filling in the header', async () => {
    const signaal = {
      ontvangerOin: NHN,
      matchId: 'match-1',
      soort: 'kind',
      reikwijdte: 'binnen-convenant',
      eigenMelding: { referentie: 'NHN-2025-0001', berichtId: '0b6f8e4c-8a57-4c1e-9a43-2f4f3c7f1a01' },
      andereMelder: { id: 'nhn-231', naam: 'Bram Jansen', convenant: '7' },
      andereOrganisatie: { naam: 'GGD Hollands Noorden', domein: 'jeugdgezondheidszorg' },
    };
    const run = await vir(['sign', file('signaal.json', signaal), '--party', 'landelijke-index']);
    expect(run.code).toBe(0);
    const opened = openMatchsignaal(run.out, { trustStore: trustStore(), at: new Date() });
    expect(opened.message).toMatchObject({ ...signaal, afzenderOin: INDEX, berichtId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((await vir(['verify', file('signaal.xml', run.out)])).code).toBe(0);
  });

  it('signs a Matchsignalen (schema 1.4) given as JSON under one signature; verify trusts it and refuses it altered', async () => {
    const signaal = (n: number) => ({
      berichtId: `7c3f0d2a-0000-4000-8000-00000000000${n}`,
      afzenderOin: INDEX,
      ontvangerOin: NHN,
      verzonden: '2025-03-01T10:15:30Z',
      matchId: `match-${n}`,
      soort: 'gezin',
      reikwijdte: 'convenant-overstijgend',
      eigenMelding: { referentie: `NHN-2025-000${n}`, berichtId: '0b6f8e4c-8a57-4c1e-9a43-2f4f3c7f1a01' },
      andereMelder: { id: `tw-${n}`, naam: `Tessa ${n}`, convenant: '41' },
      andereOrganisatie: { naam: 'Wijkteam Enschede', domein: 'jeugdhulp' },
    });
    const bundle = { ontvangerOin: NHN, signalen: [signaal(1), signaal(2), signaal(3)] };
    const run = await vir(['sign', file('bundle.json', bundle), '--party', 'landelijke-index']);
    expect(run.code).toBe(0);
    expect(run.out.match(/<ds:SignatureValue>/g)).toHaveLength(1);
    const opened = openMatchsignalen(run.out, { trustStore: trustStore(), at: new Date() });
    expect(opened.signerOin).toBe(INDEX);
    expect(opened.message.signalen.map((x) => x.andereMelder.naam)).toEqual(['Tessa 1', 'Tessa 2', 'Tessa 3']);

    const verified = await vir(['verify', file('bundle.xml', run.out), '--party', 'landelijke-index']);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(new RegExp(`\\nTRUSTED: Matchsignalen ${opened.message.berichtId} from OIN ${INDEX}\\n$`));
    const altered = await vir(['verify', file('bundle-altered.xml', run.out.replace('Tessa 2', 'Tessa X'))]);
    expect(altered).toMatchObject({ code: 1, out: expect.stringMatching(/\nNOT TRUSTED: SIGNATURE_/) });
    // A signal for another party cannot be put into the bundle.
    const mixed = await vir(['sign', file('mixed.json', { ...bundle, signalen: [signaal(1), { ...signaal(2), ontvangerOin: '00000003273416560002' }] }), '--party', 'landelijke-index']);
    expect(mixed).toMatchObject({ code: 2, out: '' });
  });

  it('signs an unsigned <Melding> draft with plain BSNs, encrypting them', async () => {
    const draft =
      '<Melding xmlns="urn:nl:vir:berichten:v1">\n' +
      '  <Kop><BerichtId>5d0c3a55-1f7e-4c69-9a51-0c2b8f7b9e11</BerichtId><AfzenderOin>00000001003214345000</AfzenderOin><Verzonden>2025-03-01T10:15:30Z</Verzonden></Kop>\n' +
      '  <Convenant>66</Convenant><Referentie>RvdK-1</Referentie>\n' +
      `  <Jeugdige><Bsn>${BSN.jeugdige}</Bsn><Geboortedatum>2012-03-04</Geboortedatum></Jeugdige>\n` +
      `  <Ouders><Ouder><Bsn>${BSN.ouder}</Bsn></Ouder></Ouders>\n` +
      '  <Meldingsdatum>2025-03-01</Meldingsdatum>\n' +
      '  <Melder><Id>rvdk-77</Id><Naam>Frank Visser</Naam></Melder>\n' +
      '  <Organisatie><Naam>Raad voor de Kinderbescherming</Naam><Domein>politie-en-justitie</Domein></Organisatie>\n' +
      '</Melding>\n';
    const run = await vir(['sign', file('draft.xml', draft), '--party', 'rvdk']);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).not.toContain(BSN.jeugdige);
    const index = loadCredentials(pki, 'landelijke-index-enc'); // BSNs are encrypted for the index's EC key
    const opened = openMelding(run.out, { trustStore: trustStore(), at: new Date(), recipientKey: index.privateKey });
    expect(opened.message).toMatchObject({ convenant: '66', jeugdige: { bsn: BSN.jeugdige }, ouders: [{ bsn: BSN.ouder }] });

    expect(await vir(['sign', file('signed.xml', run.out), '--party', 'rvdk'])).toMatchObject({ code: 2, err: expect.stringContaining('signed already') });
    expect(await vir(['sign', 'draft.xml', '--party', 'regio-nhn'])).toMatchObject({ code: 2, err: expect.stringContaining('OIN_MISMATCH') });
    expect(await vir(['sign', file('doctype.xml', `<!DOCTYPE x [<!ENTITY a "b">]>${draft}`), '--party', 'rvdk'])).toMatchObject({ code: 2 });
  });

  it('signs a tenant melding like render, and refuses unknown --type', async () => {
    expect((await vir(['sign', file('t.json', tenantMelding()), '--party', 'regio-nhn'])).code).toBe(0);
    expect(await vir(['sign', 't.json', '--party', 'regio-nhn', '--type', 'Brief'])).toMatchObject({ code: 2, err: expect.stringContaining('--type') });
  });
});

describe('vir verify', () => {
  let signed: string;
  beforeAll(async () => {
    signed = file('nhn.xml', (await vir(['render', file('v.json', tenantMelding()), '--party', 'regio-twente'])).out);
  });

  it('reports signer and every check, exit 0 when trusted', async () => {
    const run = await vir(['verify', signed]);
    expect(run.code).toBe(0);
    const twente = new X509Certificate(loadCredentials(pki, 'regio-twente').certificatePem);
    expect(run.out).toContain(`  subject     ${twente.subject.split('\n').join(', ')}`);
    expect(run.out).toContain('  OIN         00000003273416560002');
    expect(run.out).toContain(`  serial      ${twente.serialNumber}`);
    for (const check of ['chain', 'validity', 'revocation', 'key usage', 'OIN', 'signature', 'sender']) {
      expect(run.out).toMatch(new RegExp(`\\n  ok    ${check} `));
    }
    expect(run.out).toMatch(/\nTRUSTED: Melding 0b6f8e4c-8a57-4c1e-9a43-2f4f3c7f1a01 from OIN 00000003273416560002\n$/);
    expect(await vir(['verify', signed, '--party', 'regio-twente'])).toMatchObject({ code: 0 });
    const wrongParty = await vir(['verify', signed, '--party', 'regio-nhn']);
    expect(wrongParty).toMatchObject({ code: 1, out: expect.stringContaining('FAIL  party') });
  });

  it('exit 1 for altered content, naming the signature check', async () => {
    const altered = readFileSync(join(work, signed), 'utf8').replace('NHN-2025-0001', 'NHN-2025-0002');
    const run = await vir(['verify', file('altered.xml', altered)]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/FAIL {2}signature {3}SIGNATURE_/);
    expect(run.out).toMatch(/\nNOT TRUSTED: SIGNATURE_/);
  });

  it('exit 1 for a certificate of another CA, and after expiry', async () => {
    const rogue = join(work, 'rogue');
    await createDevPki(rogue, [{ name: 'regio-twente', oin: '00000003273416560002', commonName: 'Verwijsindex Twente' }]);
    await createDevPki(rogue, [
      { name: 'landelijke-index', oin: INDEX, commonName: 'Index', keyEncipherment: true },
      { name: 'landelijke-index-enc', oin: INDEX, commonName: 'Index', keyType: 'ec-p256', keyAgreement: true },
    ]);
    const forged = await vir(['render', 'v.json', '--party', 'regio-twente', '--pki-dir', rogue]);
    const run = await vir(['verify', file('forged.xml', forged.out)]);
    expect(run).toMatchObject({ code: 1, out: expect.stringContaining('FAIL  chain') });
    expect(run.out).toContain('NOT TRUSTED: CERT_UNKNOWN_CA');

    const expired = await vir(['verify', signed, '--at', '2040-01-01T00:00:00Z']);
    expect(expired).toMatchObject({ code: 1, out: expect.stringContaining('FAIL  validity') });
    expect(expired.out).toContain('CERT_EXPIRED');
    expect(await vir(['verify', signed, '--at', 'someday'])).toMatchObject({ code: 2 });
  });

  it('exit 1 once the signer is revoked; pki revoke by name or serial', async () => {
    const serial = new X509Certificate(loadCredentials(pki, 'regio-twente').certificatePem).serialNumber;
    const revoke = await vir(['pki', 'revoke', serial.toLowerCase(), '--reason', 'keyCompromise']);
    expect(revoke).toMatchObject({ code: 0, out: expect.stringContaining('(regio-twente)') });
    expect(revoke.out).toMatch(/published CRL #\d+/);
    const run = await vir(['verify', signed]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/FAIL {2}revocation {2}.*was revoked at .*\(keyCompromise\)/);
    expect(run.out).toContain('NOT TRUSTED: CERT_REVOKED');
    expect((await vir(['pki', 'crl', '--text'])).out).toMatch(new RegExp(`${serial.replace(/^0+/, '')}\\s+\\S+\\s+keyCompromise\\s+regio-twente`));
    expect(await vir(['pki', 'revoke', 'regio-twente'])).toMatchObject({ code: 0, out: expect.stringContaining('revoked already') });
    expect(await vir(['pki', 'revoke', 'regio-twente', '--reason', 'boredom'])).toMatchObject({ code: 2 });
    expect(await vir(['pki', 'revoke', 'no-such-party'])).toMatchObject({ code: 2, err: expect.stringContaining('neither a party') });
    expect((await vir(['pki', 'list'])).out).toMatch(/regio-twente\s+00000003273416560002\s+[0-9A-F]+\s+\S+ CERT_REVOKED/);
  });
});

describe('key rollover through the CLI', () => {
  it('accepts messages signed with either certificate, then only the new one', async () => {
    const issue = await vir(['pki', 'issue', 'regio-nhn', '--rollover']);
    expect(issue).toMatchObject({ code: 0, out: expect.stringContaining('issued regio-nhn.next') });
    const oldXml = file('old.xml', (await vir(['render', file('r.json', tenantMelding()), '--party', 'regio-nhn'])).out);
    const newRun = await vir(['render', 'r.json', '--party', 'regio-nhn.next']);
    expect(newRun.code).toBe(0);
    const newXml = file('new.xml', newRun.out);
    expect((await vir(['verify', oldXml, '--party', 'regio-nhn'])).code).toBe(0);
    expect((await vir(['verify', newXml, '--party', 'regio-nhn'])).code).toBe(0);

    const promote = await vir(['pki', 'promote', 'regio-nhn']);
    expect(promote).toMatchObject({ code: 0, out: expect.stringContaining('revoked the previous certificate') });
    expect((await vir(['verify', oldXml])).out).toContain('CERT_REVOKED');
    expect((await vir(['verify', newXml])).code).toBe(0);
    expect(await vir(['pki', 'promote', 'regio-nhn'])).toMatchObject({ code: 1, err: expect.stringContaining('no rollover certificate') });
  });
});

describe('key material', () => {
  it('never appears in anything the CLI printed', () => {
    expect(everything.join('')).not.toMatch(/PRIVATE KEY/);
  });
});
