import { parseXml } from './xml-parser';
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

  it('limits nesting depth', () => {
    expect(malformed(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`)).toBe(true);
    expect(malformed(`${'<a>'.repeat(60)}${'</a>'.repeat(60)}`)).toBe(false);
  });
});
