// The compiled schema against the XSD it comes from, and our validator against libxml2's
// (xmllint --schema) on a corpus of valid and invalid documents of every message type.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  sealMelding,
  signFoutbericht,
  signIntrekking,
  signMatchsignaal,
  signMatchsignalen,
  signOntvangstbevestiging,
  signPing,
  signVerwijdering,
} from './index';
import { virSchema } from './vir-schema';
import { VIR_BERICHTEN_V1 } from './vir-berichten-v1.schema';
import { compileXsd } from './xsd-compiler';
import { translateXsdPattern } from './xsd-regex';
import { parseXml } from './xml-parser';
import { XmlMessageError } from './xml-errors';
import {
  createTestPki,
  sampleFoutbericht,
  sampleIntrekking,
  sampleMatchsignaal,
  sampleMatchsignalen,
  sampleMelding,
  sampleOntvangstbevestiging,
  samplePing,
  sampleVerwijdering,
  type TestPki,
} from './test-pki.fixture';

const XSD_PATH = join(__dirname, '..', '..', '..', 'schemas', 'vir-berichten-v1.xsd');
const HAVE_XMLLINT = spawnSync('xmllint', ['--version']).status === 0;
if (!HAVE_XMLLINT) console.warn('xmllint not found (apt-get install libxml2-utils): XSD comparisons with libxml2 skipped');
const withXmllint = HAVE_XMLLINT ? it : it.skip;

describe('compiled schema', () => {
  it('is current: vir-berichten-v1.schema.ts equals a fresh compile of the XSD (else run libs/xml/scripts/generate-schema.js)', () => {
    expect(compileXsd(readFileSync(XSD_PATH, 'utf8'))).toEqual(VIR_BERICHTEN_V1);
  });

  it('refuses XSD constructs it cannot enforce', () => {
    const xsd = (body: string) =>
      `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">${body}</xs:schema>`;
    expect(() => compileXsd(xsd('<xs:element name="A"><xs:complexType><xs:attribute name="x"/></xs:complexType></xs:element>'))).toThrow(/unsupported/);
    expect(() => compileXsd(xsd('<xs:simpleType name="T"><xs:restriction base="xs:decimal"/></xs:simpleType>'))).toThrow(/unsupported/);
    expect(() => compileXsd(xsd('<xs:simpleType name="T"><xs:restriction base="xs:string"><xs:whiteSpace value="collapse"/></xs:restriction></xs:simpleType>'))).toThrow(/unsupported/);
    expect(() => compileXsd(xsd('<xs:simpleType name="T"><xs:restriction base="xs:string"><xs:pattern value="\\i\\c*"/></xs:restriction></xs:simpleType>'))).toThrow(/not supported/);
    expect(() => compileXsd(xsd('<xs:element name="A"><xs:complexType><xs:sequence><xs:any/></xs:sequence></xs:complexType></xs:element>'))).toThrow(/lax or skip/);
  });
});

describe('XSD regular expressions', () => {
  it.each([
    ['[0-9]{4}', ['0363'], ['363', '03631', '٠٣٦٣']],
    ['\\d{2}', ['12', '٠٣'], ['1a']],
    ['[^\\s@]+@[^\\s@]+\\.[^\\s@]+', ['a@b.nl'], ['a b@c.nl', 'a@b']],
    ['a^b$c', ['a^b$c'], ['abc']],
    ['[a-z-[aeiou]]+', ['xyz'], ['xaz']],
    ['[+\\-]?\\p{Lu}.', ['-Ab', 'Q!'], ['ab', 'A\n']],
    ['(ab|c){2}', ['abc', 'cc'], ['ab']],
  ])('%s', (pattern, good, bad) => {
    const re = new RegExp(translateXsdPattern(pattern), 'v');
    for (const s of good) expect([s, re.test(s)]).toEqual([s, true]);
    for (const s of bad) expect([s, re.test(s)]).toEqual([s, false]);
  });
});

describe('validator agrees with xmllint --schema', () => {
  let pki: TestPki;
  let dir: string;
  const corpus: { name: string; xml: string }[] = [];

  beforeAll(async () => {
    pki = await createTestPki();
    dir = mkdtempSync(join(tmpdir(), 'vir-xsd-'));
    const melding = sealMelding(sampleMelding(), { signer: pki.rvdk, recipientCertificatePem: pki.index.certificatePem });
    // The schema 1.2 form (one EncryptedData per Bsn), which 1.3 still allows.
    const melding12 = sealMelding(sampleMelding(), { signer: pki.rvdk, recipientCertificatePem: pki.index.certificatePem, bsnEncryption: 'separately' });
    const valid: Record<string, string> = {
      melding,
      melding12,
      meldingEcdhEs: sealMelding(sampleMelding(), { signer: pki.rvdk, recipientCertificatePem: pki.indexEnc.certificatePem }),
      meldingWithWoongemeente: sealMelding(
        { ...sampleMelding(), jeugdige: { ...sampleMelding().jeugdige, woongemeente: '0363' } },
        { signer: pki.rvdk, recipientCertificatePem: pki.indexEnc.certificatePem },
      ),
      matchsignaal: signMatchsignaal(sampleMatchsignaal(), pki.index),
      matchsignalen: signMatchsignalen(sampleMatchsignalen(3), pki.indexEc),
      intrekking: signIntrekking(sampleIntrekking(), pki.rvdk),
      verwijdering: signVerwijdering(sampleVerwijdering(), pki.regio),
      ontvangstbevestiging: signOntvangstbevestiging(sampleOntvangstbevestiging(), pki.index),
      foutbericht: signFoutbericht(sampleFoutbericht(), pki.index),
      ping: signPing(samplePing(), pki.regio),
    };
    for (const [name, xml] of Object.entries(valid)) corpus.push({ name: `${name} as produced`, xml });
    const m = (name: string, from: string, to: string, base = melding) => {
      if (!base.includes(from)) throw new Error(`corpus ${name}: "${from}" not found`);
      corpus.push({ name, xml: base.replace(from, to) });
    };
    m('melding without Convenant', '<Convenant>66</Convenant>', '');
    m('melding with 30 February', '<Meldingsdatum>2025-03-01<', '<Meldingsdatum>2025-02-30<');
    m('melding with 29 February of a leap year', '<Meldingsdatum>2025-03-01<', '<Meldingsdatum>2024-02-29<');
    m('melding with a short date', '<Geboortedatum>2012-03-04<', '<Geboortedatum>2012-3-4<');
    m('melding with a date in spaces', '<Geboortedatum>2012-03-04<', '<Geboortedatum> 2012-03-04 <');
    m('melding with an unknown domain', '<Domein>politie-en-justitie<', '<Domein>bakkerij<');
    m('melding with a plaintext BSN', /<Jeugdige><Bsn>[\s\S]*?<\/Bsn>/.exec(melding12)![0], '<Jeugdige><Bsn>111222333</Bsn>', melding12);
    m('melding with plaintext Bsns', /<Bsns>[\s\S]*?<\/Bsns>/.exec(melding)![0], '<Bsns><JeugdigeBsn>111222333</JeugdigeBsn></Bsns>');
    m('melding with Bsns after Jeugdige', /<Bsns>[\s\S]*?<\/Bsns>/.exec(melding)![0], '', melding.replace('</Jeugdige>', `</Jeugdige>${/<Bsns>[\s\S]*?<\/Bsns>/.exec(melding)![0]}`));
    m('melding without Bsns or Jeugdige/Bsn, 1.3 form', /<Bsns>[\s\S]*?<\/Bsns>/.exec(melding)![0], '');
    m('melding with a long Referentie', '<Referentie>RvdK-2025-0042 &amp; &lt;zaak&gt;<', `<Referentie>${'x'.repeat(101)}<`);
    m('melding with a 100-character Referentie', '<Referentie>RvdK-2025-0042 &amp; &lt;zaak&gt;<', `<Referentie>${'x'.repeat(100)}<`);
    m('melding with a blank Referentie', '<Referentie>RvdK-2025-0042 &amp; &lt;zaak&gt;<', '<Referentie>   <');
    m('melding with DEL in a name', 'Anna de Vries', 'Anna&#x7F;de Vries');
    m('melding with a line break in a name', 'Anna de Vries', 'Anna&#10;de Vries');
    m('melding with a 200-character name of astral characters', 'Anna de Vries-Özdemir', '😀'.repeat(200));
    m('melding with a 201-character name of astral characters', 'Anna de Vries-Özdemir', '😀'.repeat(201));
    m('melding with letters in Telefoon', '+31 6 1234 5678', 'call me');
    m('melding with Verzonden without time zone', '2025-03-01T10:15:30.123Z', '2025-03-01T10:15:30.123');
    m('melding with hour 25', '2025-03-01T10:15:30.123Z', '2025-03-01T25:15:30.123Z');
    m('melding with Convenant in another namespace', '<Convenant>66</Convenant>', '<Convenant xmlns="urn:other">66</Convenant>');
    m('melding with an unknown element', '<Meldingsdatum>', '<Extra>1</Extra><Meldingsdatum>');
    m('melding with Email before Telefoon', '<Telefoon>+31 6 1234 5678</Telefoon><Email>a.devries@example.nl</Email>', '<Email>a.devries@example.nl</Email><Telefoon>+31 6 1234 5678</Telefoon>');
    m('melding with an attribute', '<Convenant>', '<Convenant code="1">');
    m('melding with text between elements', '<Convenant>', 'text<Convenant>');
    m('melding without signature', /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(melding)![0], '');
    m('melding with an uppercase UUID', /<BerichtId>([^<]+)/.exec(melding)![0], '<BerichtId>6F1D3A52-3D5E-4B8F-9A51-0C6F2A0E9D11');
    m('melding with five parents', '<Ouders>', `<Ouders>${'<Ouder><Bsn><xenc:EncryptedData/></Bsn></Ouder>'.repeat(3)}`, melding12);
    const inBundle = /<Matchsignaal>[\s\S]*?<\/Matchsignaal>/.exec(valid.matchsignalen)![0];
    m('matchsignalen without a signal', /<\/Kop>[\s\S]*<\/Matchsignaal>/.exec(valid.matchsignalen)![0], '</Kop>', valid.matchsignalen);
    m('matchsignalen with a signed signal inside', inBundle, inBundle.replace('</AndereOrganisatie>', `</AndereOrganisatie>${/<ds:Signature[\s\S]*<\/ds:Signature>/.exec(valid.matchsignaal)![0]}`), valid.matchsignalen);
    m('matchsignalen with 201 signals', inBundle, inBundle.repeat(199), valid.matchsignalen);
    m('matchsignalen with 200 signals', inBundle, inBundle.repeat(198), valid.matchsignalen);
    m('intrekking with only a Referentie', /<MeldingVerwijzing>[\s\S]*<\/MeldingVerwijzing>/.exec(valid.intrekking)![0], '<MeldingVerwijzing><Referentie>R-1</Referentie></MeldingVerwijzing>', valid.intrekking);
    m('intrekking with an empty reference', /<MeldingVerwijzing>[\s\S]*<\/MeldingVerwijzing>/.exec(valid.intrekking)![0], '<MeldingVerwijzing></MeldingVerwijzing>', valid.intrekking);
    m(
      'intrekking with Referentie before BerichtId',
      /<MeldingVerwijzing>[\s\S]*<\/MeldingVerwijzing>/.exec(valid.intrekking)![0],
      '<MeldingVerwijzing><Referentie>R-1</Referentie><BerichtId>6f1d3a52-3d5e-4b8f-9a51-0c6f2a0e9d11</BerichtId></MeldingVerwijzing>',
      valid.intrekking,
    );
    m('intrekking with an unknown reason', '<Reden>zorg-afgerond<', '<Reden>verhuisd<', valid.intrekking);
    m('melding with a Woongemeente with the GM prefix', '<Woongemeente>0363<', '<Woongemeente>GM0363<', valid.meldingWithWoongemeente);
    m('melding with Woongemeente before Geboortedatum', /<Geboortedatum>[^<]+<\/Geboortedatum><Woongemeente>0363<\/Woongemeente>/.exec(valid.meldingWithWoongemeente)![0], '<Woongemeente>0363</Woongemeente><Geboortedatum>2012-03-04</Geboortedatum>', valid.meldingWithWoongemeente);
    m('verwijdering with a 5-digit gemeente', '<Gemeentecode>0363<', '<Gemeentecode>03630<', valid.verwijdering);
    m('ontvangstbevestiging with both outcomes', '<Geaccepteerd></Geaccepteerd>', '<Geaccepteerd/><Afgewezen><Code>X1</Code><Omschrijving>x</Omschrijving></Afgewezen>', valid.ontvangstbevestiging);
    m('ontvangstbevestiging without outcome', '<Geaccepteerd></Geaccepteerd>', '', valid.ontvangstbevestiging);
    m('ontvangstbevestiging with content in Geaccepteerd', '<Geaccepteerd></Geaccepteerd>', '<Geaccepteerd>ja</Geaccepteerd>', valid.ontvangstbevestiging);
    m('ontvangstbevestiging with a lowercase code', '<Code>BSN_INVALID<', '<Code>bsn_invalid<', valid.ontvangstbevestiging);
    m('foutbericht without Betreft', /<Betreft>[^<]+<\/Betreft>/.exec(valid.foutbericht)![0], '', valid.foutbericht);
    m('ping going elsewhere', '<Richting>heen<', '<Richting>retour<', valid.ping);
    m('ping without hops', /<Hops>[\s\S]*<\/Hops>/.exec(valid.ping)![0], '<Hops/>', valid.ping);
    m('ping with 33 hops', /<Hop>[\s\S]*<\/Hop>/.exec(valid.ping)![0], /<Hop>[\s\S]*<\/Hop>/.exec(valid.ping)![0].repeat(33), valid.ping);
    m('ping with a component starting with a dash', '<Component>regio', '<Component>-regio', valid.ping);
    m('matchsignaal of an unknown kind', '<Soort>gezin<', '<Soort>buren<', valid.matchsignaal);
    m('matchsignaal for a child match', '<Soort>gezin<', '<Soort>kind<', valid.matchsignaal);
    m('matchsignaal in version 2', 'urn:nl:vir:berichten:v1', 'urn:nl:vir:berichten:v2', valid.matchsignaal);
  });
  afterAll(() => {
    pki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  function ours(xml: string): boolean {
    try {
      virSchema.validate(parseXml(xml).root);
      return true;
    } catch (error) {
      if (!(error instanceof XmlMessageError)) throw error;
      return false;
    }
  }

  withXmllint('on every document of the corpus', () => {
    const files = corpus.map((c, i) => {
      const file = join(dir, `doc-${i}.xml`);
      writeFileSync(file, c.xml);
      return file;
    });
    const run = spawnSync('xmllint', ['--noout', '--schema', XSD_PATH, ...files], { encoding: 'utf8' });
    const verdicts = corpus.map((c, i) => {
      const libxml2 = run.stderr.includes(`${files[i]} validates`) ? true : run.stderr.includes(`${files[i]} fails to validate`) ? false : undefined;
      return { name: c.name, libxml2, ours: ours(c.xml) };
    });
    expect(verdicts.filter((v) => v.libxml2 !== v.ours)).toEqual([]);
    // The corpus must hold both kinds, or it proves nothing.
    expect(verdicts.filter((v) => v.ours).length).toBeGreaterThanOrEqual(10);
    expect(verdicts.filter((v) => !v.ours).length).toBeGreaterThanOrEqual(20);
  });
});
