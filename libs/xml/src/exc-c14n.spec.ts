// Our exclusive c14n against xml-crypto's (an independent implementation on @xmldom/xmldom), on
// documents chosen to hit every rule: namespace placement and redeclaration, default namespace
// undeclaration, attribute order by namespace URI, escaping, CDATA, comments, PIs, line ends.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import { canonicalDigest, canonicalizeDocument, canonicalizeElement } from './exc-c14n';
import { parseXml, type XmlElement } from './xml-parser';
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
  // The source-copying fast path must notice everything canonicalisation changes:
  'text with > and ]] (escaped on output)': '<r><a>x > y ]] z</a><b>&gt;</b><c>a]]&gt;b</c></r>',
  'CR as reference and raw CRLF in text': '<r><a>one&#13;two</a><b>three\r\nfour\rfive</b></r>',
  'attributes with tabs, newlines and quotes': '<r a="x\ty" b=\'say "hi"\' c="&#9;&#10;" d=\'it&apos;s\' e="\n"><s f=\'"\'/></r>',
  'namespaces declared on the root, used deeper': '<r xmlns:a="urn:a" xmlns:b="urn:b" xmlns="urn:d"><x><y><a:z b:q="1"><a:w/></a:z><b:v/></y></x><a:z/></r>',
  'whitespace inside tags': '<r ><a  x="1"  ></a ><b\n/><c\ty="2"\n>t</c\n></r >',
  'self-closing and empty': '<r><a/><b></b><c x="1"/><d>t</d></r>',
  'references everywhere': '<r a="&amp;&lt;&gt;&quot;&apos;&#x41;&#66;">&amp;&lt;&gt;&quot;&apos;&#x41;&#66;&#xE9;</r>',
  'comments and CDATA between text': '<r>a<!--x-->b<![CDATA[c>d]]>e<!---->f<g>h<!--y--></g></r>',
  'declarations after attributes, out of order': '<r xmlns:b="urn:b"><a:x z="1" xmlns:a="urn:a" b:y="2"/><a:w xmlns:b="urn:b2" xmlns:a="urn:a" b:y="3"></a:w></r>',
  'prefix redeclared deeper to another URI, then back': '<a:r xmlns:a="urn:1"><a:s xmlns:a="urn:2"><a:t xmlns:a="urn:1"/></a:s><a:u/></a:r>',
};

/** Ours both ways: copying unchanged source text (the default for a document) and writing everything. */
function ours(xml: string): string {
  const doc = parseXml(xml);
  const written = canonicalizeElement(doc.root);
  expect(canonicalizeElement(doc.root, undefined, doc.source)).toBe(written);
  return written;
}

describe('exclusive c14n', () => {
  for (const [name, xml] of Object.entries(DOCUMENTS)) {
    if (!XML_CRYPTO_DIFFERS.has(name)) {
      it(`matches xml-crypto: ${name}`, () => {
        expect(ours(xml)).toBe(theirs(xml));
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
    // In the middle of unchanged text, with and without copying from the source.
    const middle = parseXml('<r><a>1</a><b><c>2</c></b><d>3</d></r>');
    const b = middle.root.children[1];
    expect(canonicalizeDocument(middle, b)).toBe('<r><a>1</a><d>3</d></r>');
    expect(canonicalizeElement(middle.root, b)).toBe('<r><a>1</a><d>3</d></r>');
  });

  it('canonicalises a subtree from the source as written (SignedInfo)', () => {
    const doc = parseXml('<r xmlns="urn:d" xmlns:ds="urn:ds"><ds:S><ds:M A="x"/><ds:V>v&gt;</ds:V><x/></ds:S></r>');
    const subtree = doc.root.children[0];
    const expected = '<ds:S xmlns:ds="urn:ds"><ds:M A="x"></ds:M><ds:V>v&gt;</ds:V><x xmlns="urn:d"></x></ds:S>';
    expect(canonicalizeElement(subtree, undefined, doc.source)).toBe(expected);
    expect(canonicalizeElement(subtree)).toBe(expected);
  });
});

// ---- many generated documents: every feature mixed, against both independent implementations ----

/** A small deterministic PRNG (mulberry32), so a failure is reproducible from the seed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIXES = ['a', 'b', 'ds', 'xenc'];
const LOCALS = ['r', 'Kop', 'Bsn', 'x', 'EncryptedData', 'v1.2', 'n-m', '_u'];
const TEXT_PIECES = ['t', 'BSN 123', ' ', '\n', '  \n  ', '>', ']]', '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#13;', '&#x9;', '\r\n', '\r', '\t', 'é', 'Zoë', '😀', '&#x1F600;', '"', "'"];
const ATTR_PIECES = ['v', 'urn:x', ' ', '\t', '\n', '\r\n', '&amp;', '&lt;', '>', '&quot;', '&apos;', '&#9;', '&#10;', '&#13;', 'é', '😀'];

function randomDocument(seed: number): string {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const chance = (p: number) => random() < p;
  const text = () => {
    let t = '';
    for (let n = Math.floor(random() * 4); n > 0; n--) t += pick(TEXT_PIECES);
    t = t.split(']]>').join(']]&gt;'); // the one sequence text may not hold, also not with the next piece
    return t.endsWith(']') ? `${t}.` : t;
  };
  const attrValue = (quote: string) => {
    let v = '';
    for (let n = Math.floor(random() * 4); n > 0; n--) v += pick(ATTR_PIECES);
    return quote === '"' ? v + (chance(0.2) ? "'" : '') : v + (chance(0.2) ? '"' : '');
  };
  // Half the documents are written mostly the canonical way (one space, double quotes), so that
  // start tags that c14n may copy from the source, declarations and all, are common too.
  const tidy = seed % 2 === 0;
  const space = () => (tidy && chance(0.9) ? ' ' : pick([' ', ' ', '  ', '\n', '\t']));
  // Every prefix is declared on the root (used anywhere below it), some redeclared deeper.
  const element = (depth: number, inScope: Set<string>): string => {
    const declared = new Set(inScope);
    let decls = '';
    if (depth === 0) {
      for (const p of PREFIXES) decls += `${space()}xmlns:${p}="urn:${p}"`;
      declared.add('');
      if (chance(0.7)) decls += `${space()}xmlns="urn:default"`;
    } else {
      if (chance(0.15)) decls += `${space()}xmlns="${pick(['', 'urn:default', 'urn:other'])}"`;
      // Declarations c14n writes here, repeats of an ancestor's (dropped), unused ones (dropped), in any order.
      const redeclared = new Set<string>();
      for (let n = chance(0.3) ? 1 + Math.floor(random() * 2) : 0; n > 0; n--) {
        const p = pick(PREFIXES);
        if (redeclared.has(p)) continue;
        redeclared.add(p);
        decls += `${space()}xmlns:${p}="urn:${pick(['a', 'b', 'ds', 'xenc', 'redeclared'])}"`;
      }
    }
    const prefix = chance(0.5) ? pick(PREFIXES) : '';
    const qname = prefix ? `${prefix}:${pick(LOCALS)}` : pick(LOCALS);
    let attrs = '';
    const used = new Set<string>();
    for (let n = Math.floor(random() * 4); n > 0; n--) {
      const attrPrefix = chance(0.3) ? pick([...PREFIXES, 'xml']) : '';
      const local = pick(['Id', 'Algorithm', 'URI', 'z', 'a', 'lang']);
      const name = attrPrefix ? `${attrPrefix}:${local}` : local;
      if (used.has(local)) continue; // prefixes may be redeclared to one URI: keep expanded names distinct
      used.add(local);
      const quote = (tidy && chance(0.9)) || chance(0.5) ? '"' : "'";
      attrs += `${space()}${name}=${quote}${attrValue(quote).split(quote).join(quote === '"' ? '&quot;' : '&apos;')}${quote}`;
    }
    // Declarations usually first (as c14n writes them), sometimes after the attributes.
    const open = `<${qname}${chance(0.8) ? decls + attrs : attrs + decls}${chance(0.2) ? space() : ''}`;
    if (depth > 4 || (depth > 0 && chance(0.15))) return `${open}/>`;
    let content = '';
    for (let n = (depth < 2 ? 2 : 0) + Math.floor(random() * 5); n > 0; n--) {
      const kind = random();
      if (kind < (depth < 3 ? 0.6 : 0.3)) content += element(depth + 1, declared);
      else if (kind < 0.8) content += text();
      else if (kind < 0.9) content += `<!--${pick(['', ' c ', 'x>y'])}-->`;
      else content += `<![CDATA[${pick(['', 'a<b', ']]', 'x & y', '>'])}]]>`;
    }
    return `${open}>${content}</${qname}${chance(0.1) ? space() : ''}>`;
  };
  return element(0, new Set());
}

describe('exclusive c14n on generated documents', () => {
  const SEEDS = Array.from({ length: 400 }, (_, i) => i + 1);

  it('copying from the source gives the same result as writing everything, and matches xml-crypto', () => {
    let compared = 0;
    for (const seed of SEEDS) {
      const xml = randomDocument(seed);
      const mine = ours(xml);
      // xml-crypto repeats xmlns="" under an element that already undeclared the default namespace.
      if (!/xmlns=""/.test(xml)) {
        expect({ seed, c14n: mine }).toEqual({ seed, c14n: theirs(xml) });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(SEEDS.length / 3);
  });

  (HAVE_XMLLINT ? it : it.skip)('matches libxml2 (xmllint --exc-c14n) on generated documents (comments removed: xmllint keeps them)', () => {
    for (const seed of SEEDS.slice(0, 150)) {
      // Safe to cut with a pattern: "<!--" cannot occur in text, attribute values or these CDATA sections.
      const xml = randomDocument(seed).replace(/<!--[\s\S]*?-->/g, '');
      expect({ seed, c14n: canonicalizeDocument(parseXml(xml)) }).toEqual({ seed, c14n: libxml2(xml) });
    }
  });

  it('digests the canonical form in pieces exactly as the joined text', () => {
    for (const seed of SEEDS.slice(0, 100)) {
      const doc = parseXml(randomDocument(seed));
      const exclude = doc.root.children[0];
      for (const leftOut of [undefined, exclude]) {
        expect(canonicalDigest(doc, leftOut).toString('hex')).toBe(createHash('sha256').update(canonicalizeDocument(doc, leftOut)).digest('hex'));
      }
    }
  });

  it('leaves out any subtree the same way with and without copying', () => {
    for (const seed of SEEDS.slice(0, 100)) {
      const doc = parseXml(randomDocument(seed));
      const all: XmlElement[] = [];
      const walk = (el: XmlElement) => {
        all.push(el);
        el.children.forEach(walk);
      };
      walk(doc.root);
      const exclude = all[Math.floor(all.length / 2)];
      if (exclude === doc.root) continue;
      expect(canonicalizeElement(doc.root, exclude, doc.source)).toBe(canonicalizeElement(doc.root, exclude));
    }
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
