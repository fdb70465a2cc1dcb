// Our exclusive c14n against xml-crypto's (an independent implementation on @xmldom/xmldom), on
// documents chosen to hit every rule: namespace placement and redeclaration, default namespace
// undeclaration, attribute order by namespace URI, escaping, CDATA, comments, PIs, line ends.
import { spawnSync } from 'node:child_process';
import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import { canonicalizeDocument, canonicalizeElement } from './exc-c14n';
import { parseXml } from './xml-parser';
import { openMelding, sealMelding } from './index';
import { ALGORITHMS } from './xml-constants';
import { signDocument } from './xml-signer';
import { createTestPki, NOW, sampleMelding, stripSignature, type TestPki } from './test-pki.fixture';

function theirs(xml: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  return new ExclusiveCanonicalization().process(doc.documentElement as unknown as Parameters<ExclusiveCanonicalization['process']>[0], {});
}

/** libxml2's exclusive c14n (the one xmlsec1 uses); it keeps comments, so only for documents without. */
function libxml2(xml: string): string {
  return spawnSync('xmllint', ['--exc-c14n', '-'], { input: xml, encoding: 'utf8' }).stdout;
}
const HAVE_XMLLINT = spawnSync('xmllint', ['--version']).status === 0;
// xml-crypto 6.3 repeats xmlns="" on children of an element that already undeclared the default
// namespace (libxml2 does not, as the spec says), and cannot canonicalise processing instructions.
const XML_CRYPTO_DIFFERS = new Set(['default namespace undeclared', 'comments dropped, PIs kept']);

const DOCUMENTS: Record<string, string> = {
  'namespaces placed where used': '<a:root xmlns:a="urn:a" xmlns="urn:d" xmlns:b="urn:b" xmlns:unused="urn:u"><child b:x="1" a:z="2"><b:in>t</b:in></child></a:root>',
  'default namespace undeclared': '<root xmlns="urn:d"><plain xmlns=""><x/></plain><again xmlns="urn:d"/></root>',
  'nested defaults': '<r xmlns="urn:a"><c xmlns="urn:b"><d xmlns="urn:a"><e/></d></c></r>',
  'prefix redeclared, same and other URI': '<a:r xmlns:a="urn:a"><a:s xmlns:a="urn:a"/><a:t xmlns:a="urn:other"><a:u/></a:t></a:r>',
  'attributes sorted by namespace URI then name': '<r xmlns:z="urn:a" xmlns:a="urn:z" z:attr="1" a:attr="2" b="3" a:aaa="4"/>',
  'attribute escaping and normalisation': '<r a="&lt;&amp;&quot;&#9;&#10;&#13;&gt;\'" b=\'x\ny\tz\' c="  s  p  "/>',
  'text escaping': '<r>a &lt; b &gt; c &amp; d &#13; e " \' ]]&gt; <![CDATA[<cdata & ]] stuff>]]></r>',
  'comments dropped, PIs kept': '<?before x?><!-- c0 --><r><!-- c1 -->a<!-- c2 -->b<?pi  data here ?><?bare?></r><!-- c3 --><?after?>',
  'xml: attributes': '<r xml:lang="nl"><c xml:space="preserve"> x </c></r>',
  'line ends': '<r a="1\r\n2">x\r\ny\rz</r>',
  'unicode': '<r naam="Zoë" ü="1">Ñúñez 李 😀 &#x1F600;</r>',
  'empty elements and whitespace': '<r>\n  <a/>\n  <b></b>\n</r>\n',
};

describe('exclusive c14n', () => {
  for (const [name, xml] of Object.entries(DOCUMENTS)) {
    if (!XML_CRYPTO_DIFFERS.has(name)) {
      it(`matches xml-crypto: ${name}`, () => {
        expect(canonicalizeElement(parseXml(xml).root)).toBe(theirs(xml));
      });
    }
    if (!xml.includes('<!--')) {
      (HAVE_XMLLINT ? it : it.skip)(`matches libxml2 (xmllint --exc-c14n): ${name}`, () => {
        expect(canonicalizeDocument(parseXml(xml))).toBe(libxml2(xml));
      });
    }
  }
  if (!HAVE_XMLLINT) console.warn('xmllint not found (apt-get install libxml2-utils): libxml2 c14n comparisons skipped');

  it('renders PIs outside the root around it (document form)', () => {
    const doc = parseXml(DOCUMENTS['comments dropped, PIs kept']);
    expect(canonicalizeDocument(doc)).toBe('<?before x?>\n<r>ab<?pi data here ?><?bare?></r>\n<?after?>');
  });

  it('can leave out one subtree (enveloped signature)', () => {
    const doc = parseXml('<r xmlns:ds="urn:ds"><a/><ds:Signature><ds:x/></ds:Signature></r>');
    expect(canonicalizeDocument(doc, doc.root.children[1])).toBe('<r><a></a></r>');
  });
});

describe('interoperability with xml-crypto', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(() => pki.cleanup());

  it('xml-crypto verifies what we sign', () => {
    const xml = sealMelding(sampleMelding(), { signer: pki.rvdk, recipientCertificatePem: pki.index.certificatePem });
    const verifier = new SignedXml({ publicCert: pki.rvdk.certificatePem, getCertFromKeyInfo: () => null });
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(xml)![0];
    verifier.loadSignature(signature);
    expect(verifier.checkSignature(xml)).toBe(true);
  });

  it('we verify what xml-crypto signs (same shape, its own serialisation)', () => {
    const melding = sampleMelding();
    const unsigned = stripSignature(sealMelding(melding, { signer: pki.rvdk, recipientCertificatePem: pki.index.certificatePem }));
    const signer = new SignedXml({
      privateKey: pki.rvdk.privateKey,
      publicCert: pki.rvdk.certificatePem,
      signatureAlgorithm: ALGORITHMS.rsaSha256,
      canonicalizationAlgorithm: ALGORITHMS.excC14n,
    });
    signer.addReference({
      xpath: '/*',
      isEmptyUri: true,
      transforms: [ALGORITHMS.envelopedSignature, ALGORITHMS.excC14n],
      digestAlgorithm: ALGORITHMS.sha256,
    });
    signer.computeSignature(unsigned, { prefix: 'ds', location: { reference: '/*', action: 'append' } });
    const xml = signer.getSignedXml();
    expect(xml).not.toBe(signDocument(unsigned, pki.rvdk));
    const opened = openMelding(xml, { trustStore: pki.trustStore, at: NOW, recipientKey: pki.index.privateKey });
    expect(opened.message).toEqual(melding);
  });
});
