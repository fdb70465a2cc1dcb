import { parseXml, type XmlElement, type XmlText } from './xml-parser';
import { XmlMessageError } from './xml-errors';

function malformed(xml: string): boolean {
  try {
    parseXml(xml);
    return false;
  } catch (error) {
    if (!(error instanceof XmlMessageError) || error.code !== 'XML_MALFORMED') throw error;
    return true;
  }
}

describe('parseXml', () => {
  it('resolves namespaces, merges text across comments and CDATA, decodes references', () => {
    const doc = parseXml('<?xml version="1.0" encoding="utf-8"?>\n<a:r xmlns:a="urn:a" xmlns="urn:d"><c x="1" a:y="&#x41;">t<!-- -->e<![CDATA[<x>]]>&amp;&#233;</c></a:r>');
    const c = doc.root.children[0];
    expect([doc.root.uri, doc.root.local, doc.root.prefix]).toEqual(['urn:a', 'r', 'a']);
    expect([c.uri, c.local]).toEqual(['urn:d', 'c']);
    expect(c.attrs).toEqual({ x: '1', '{urn:a}y': 'A' });
    expect(c.text).toBe('te<x>&é');
    expect(c.content).toHaveLength(1);
  });

  it('normalises line ends and attribute whitespace', () => {
    const root = parseXml('<r a="x\r\ny&#10;z">1\r\n2\r3</r>').root;
    expect(root.attrs.a).toBe('x y\nz');
    expect(root.text).toBe('1\n2\n3');
  });

  it.each([
    ['unclosed element', '<r><a></r>'],
    ['mismatched end tag', '<r></R>'],
    ['two roots', '<r/><r/>'],
    ['text after the root', '<r/>x'],
    ['text before the root', 'x<r/>'],
    ['undeclared prefix', '<p:r/>'],
    ['undeclared attribute prefix', '<r p:a="1"/>'],
    ['duplicate attribute', '<r a="1" a="2"/>'],
    ['duplicate expanded attribute', '<r xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"/>'],
    ['unquoted attribute', '<r a=1/>'],
    ['< in attribute', '<r a="<"/>'],
    ['no space between attributes', '<r a="1"b="2"/>'],
    ['bare ampersand', '<r>a & b</r>'],
    ['undefined entity', '<r>&nbsp;</r>'],
    ['reference to a forbidden character', '<r>&#0;</r>'],
    ['control character', '<r>\u0001</r>'],
    ['lone surrogate', '<r>\uD800</r>'],
    [']]> in text', '<r>]]></r>'],
    ['-- in a comment', '<r><!-- a -- b --></r>'],
    ['misplaced XML declaration', '<r/><?xml version="1.0"?>'],
    ['XML 1.1', '<?xml version="1.1"?><r/>'],
    ['non-UTF-8 encoding', '<?xml version="1.0" encoding="ISO-8859-1"?><r/>'],
    ['DOCTYPE', '<!DOCTYPE r><r/>'],
    ['prefix undeclared', '<r xmlns:p=""/>'],
    ['xmlns prefix bound', '<r xmlns:xmlns="urn:x"/>'],
    ['xml prefix rebound', '<r xmlns:xml="urn:x"/>'],
    ['name starting with a digit', '<1r/>'],
    ['empty document', ''],
    ['unterminated', '<r'],
  ])('refuses %s', (_name, xml) => {
    expect(malformed(xml)).toBe(true);
  });

  it('reports a position, never the content', () => {
    try {
      parseXml('<r>\n  <a>111222333</b>\n</r>');
      throw new Error('accepted');
    } catch (error) {
      expect((error as Error).message).toMatch(/line 2, column \d+/);
      expect((error as Error).message).not.toContain('111222333');
    }
  });

  it('refuses what Namespaces 1.0 forbids in names', () => {
    expect(malformed('<r xmlns:="urn:x"/>')).toBe(true); // `xmlns:` alone declares no prefix
    expect(malformed('<xmlns:r xmlns:xmlns="urn:x"/>')).toBe(true);
    expect(malformed('<p:r xmlns:p="urn:p"><p:/></p:r>')).toBe(true);
    expect(malformed('<p:r xmlns:p="urn:p"><p:1a/></p:r>')).toBe(true);
    expect(malformed('<p:q:r xmlns:p="urn:p"/>')).toBe(true);
    expect(malformed('<:r/>')).toBe(true);
    expect(malformed('<r a:b:c="1" xmlns:a="urn:a"/>')).toBe(true);
    expect(malformed('<r xmlns:a="urn:a" a:="1"/>')).toBe(true);
  });

  it('reads names it has seen before exactly (names sharing a cache slot, long and non-ASCII names)', () => {
    // Two names whose fingerprint lands in the same slot of the name cache (as xml-parser.ts computes it).
    const slot = (name: string) => {
      const n = name.length;
      const second = n > 1 ? name.charCodeAt(1) : 0;
      const before = n > 1 ? name.charCodeAt(n - 2) : 0;
      return ((n << 8) ^ (name.charCodeAt(0) << 4) ^ (name.charCodeAt(n - 1) << 1) ^ name.charCodeAt(n >> 1) ^ (before << 6) ^ (second * 7)) & 2047;
    };
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const name = `n${i.toString(36)}`;
      const other = seen.get(slot(name));
      if (other !== undefined) pair = [other, name];
      seen.set(slot(name), name);
    }
    const [a, b] = pair;
    const long = `L${'x'.repeat(80)}`;
    const xml = `<r xmlns:p="urn:p"><${a} ${b}="1"/><${b} ${a}="2"/><p:${a}/><${long} ${long}="3"/><Ünïcödé Ü="4"/><${a}/></r>`;
    for (let round = 0; round < 3; round++) {
      const children = parseXml(xml).root.children;
      expect(children.map((c) => [c.prefix, c.local, c.uri, c.attributes.map((x) => x.local).join()])).toEqual([
        ['', a, '', b],
        ['', b, '', a],
        ['p', a, 'urn:p', ''],
        ['', long, '', long],
        ['', 'Ünïcödé', '', 'Ü'],
        ['', a, '', ''],
      ]);
    }
    expect(malformed(`<${a}></${b}>`)).toBe(true);
    expect(malformed(`<${a}></${a}x>`)).toBe(true);
    expect(malformed(`<${a}x></${a}>`)).toBe(true);
  });

  it('marks text and tags that are their own canonical form, with their source offsets', () => {
    const doc = parseXml('<r><a>plain</a><b>x &gt; y</b><c>x > y</c><d>1<!--c-->2</d><e >t</e ></r>');
    const [a, b, c, d, e] = doc.root.children;
    const text = (el: XmlElement) => el.content[0] as XmlText;
    expect(text(a)).toMatchObject({ value: 'plain', verbatim: true });
    expect(doc.source.slice(text(a).start, text(a).end)).toBe('plain');
    expect(doc.source.slice(a.start, a.startEnd)).toBe('<a>');
    expect(doc.source.slice(a.closeStart, a.end)).toBe('</a>');
    expect(text(b)).toMatchObject({ value: 'x > y', verbatim: false });
    expect(text(c)).toMatchObject({ value: 'x > y', verbatim: false });
    expect(text(d)).toMatchObject({ value: '12', verbatim: false, start: -1 });
    expect(doc.source.slice(e.start, e.startEnd)).toBe('<e >');
    expect(doc.source.slice(e.closeStart, e.end)).toBe('</e >');
  });

  it('refuses every control character XML does not allow, wherever it is', () => {
    for (let c = 0; c < 0x20; c++) {
      const ch = String.fromCharCode(c);
      const allowed = ch === '\t' || ch === '\n' || ch === '\r';
      for (const xml of [`<r>${ch}</r>`, `<r a="${ch}"/>`, `<r><!--${ch}--></r>`, `<r><![CDATA[${ch}]]></r>`, `<r/><!--${ch}-->`]) {
        expect({ c, xml, malformed: malformed(xml) }).toEqual({ c, xml, malformed: !allowed });
      }
    }
    expect(malformed('<r>\uFFFE</r>')).toBe(true);
    expect(malformed('<r>\uFFFF</r>')).toBe(true);
    expect(malformed('<r>\uDC00</r>')).toBe(true);
    expect(malformed('<r>李 😀 \uFFFD</r>')).toBe(false);
  });

  it('limits nesting depth', () => {
    expect(malformed(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`)).toBe(true);
    expect(malformed(`${'<a>'.repeat(60)}${'</a>'.repeat(60)}`)).toBe(false);
  });
});
