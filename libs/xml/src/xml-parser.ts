import { XmlMessageError } from './xml-errors';

// A strict, namespace-aware, non-validating XML 1.0 parser for the national messages.
//
// Why our own: signature verification needs one tree that is canonicalised, digested, validated
// and read, so what is checked is exactly what is used (no second parser, no differential), and
// @xmldom/xmldom costs ~0.5 ms for a 6 KB melding where this takes a few dozen µs.
//
// Restricted on purpose: no DTD at all (no DOCTYPE, hence no entities beyond the five predefined
// ones), UTF-8 only, nesting depth and attribute count bounded. Everything else that XML 1.0 and
// Namespaces 1.0 call a well-formedness error is one here too. Comments are dropped (they are
// never signed), adjacent text and CDATA are merged into one text node.

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export interface XmlAttribute {
  prefix: string;
  local: string;
  /** '' for an attribute without prefix. */
  uri: string;
  value: string;
}

export interface XmlText {
  kind: 'text';
  value: string;
}

export interface XmlProcessingInstruction {
  kind: 'pi';
  target: string;
  data: string;
}

export interface XmlElement {
  kind: 'element';
  prefix: string;
  local: string;
  /** Namespace URI, '' for none. */
  uri: string;
  /** Attributes in document order, namespace declarations excluded. */
  attributes: XmlAttribute[];
  /** Attribute values by local name (no namespace) or `{uri}local`. */
  attrs: Record<string, string>;
  /** Namespace declarations made on this element: prefix ('' = default) → URI. */
  declarations: [string, string][];
  /** In-scope namespaces (shared with the parent when this element declares none). */
  scope: ReadonlyMap<string, string>;
  /** Children in order: elements, text, processing instructions (comments are dropped). */
  content: (XmlElement | XmlText | XmlProcessingInstruction)[];
  /** Element children only. */
  children: XmlElement[];
  /** Concatenated direct text content. */
  text: string;
  parent: XmlElement | null;
  /** Offset of `<` in the (line-end normalised) source. */
  start: number;
  /** Offset of the end tag's `<`, or of `/>` for an empty-element tag. */
  closeStart: number;
  selfClosing: boolean;
}

export interface XmlDocument {
  /** The source after line-end normalisation: the offsets refer to it. */
  source: string;
  root: XmlElement;
  /** Processing instructions before / after the root element (the XML declaration is none). */
  before: XmlProcessingInstruction[];
  after: XmlProcessingInstruction[];
  /** True when any processing instruction occurs (national messages carry none). */
  hasProcessingInstruction: boolean;
}

export interface ParseLimits {
  maxDepth?: number;
  maxAttributes?: number;
}

const MAX_DEPTH = 64;
const MAX_ATTRIBUTES = 32;

const NAME_START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_REST = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
// The ranges are the XML spec's NameStartChar/NameChar; combining marks are ranges, not combined characters.
// eslint-disable-next-line no-misleading-character-class
const NAME = new RegExp(`[${NAME_START}][${NAME_REST}]*`, 'uy');
// Without the u flag V8 matches markedly faster; astral name characters (a high surrogate next)
// fall back to the full expression.
const BMP_START = NAME_START.replace('\\u{10000}-\\u{EFFFF}', '');
const NAME_BMP = new RegExp(`[${BMP_START}][${BMP_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*`, 'y');
const NAME_START_BMP = new RegExp(`^[${BMP_START}]`);
/** Anything that is not an XML 1.0 Char (lone surrogates included, thanks to the u flag). */
const NOT_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** Cheap pre-check: when none of these occur, NOT_CHAR cannot match either. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const MAYBE_NOT_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const REFERENCE = /&(?:(lt|gt|amp|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/g;
const BAD_AMPERSAND = /&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
const XML_DECLARATION =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.0"|'1\.0')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"([A-Za-z][A-Za-z0-9._-]*)"|'([A-Za-z][A-Za-z0-9._-]*)'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/;
const TAB_OR_NEWLINE = /[\t\n]/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const INITIAL_SCOPE: ReadonlyMap<string, string> = new Map([['xml', XML_NS]]);
// Shared by every element without attributes or declarations (most of them); never mutated.
const NO_ATTRIBUTES: XmlAttribute[] = Object.freeze([]) as unknown as XmlAttribute[];
const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_DECLARATIONS: [string, string][] = Object.freeze([]) as unknown as [string, string][];

class ParseError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

function isCharCode(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** Replaces character and predefined entity references; any other `&` is an error. */
function decode(raw: string, offset: number): string {
  if (raw.indexOf('&') < 0) return raw;
  if (BAD_AMPERSAND.test(raw)) throw new ParseError(offset, 'undefined entity or a bare "&"');
  return raw.replace(REFERENCE, (_m, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named) return PREDEFINED[named];
    const code = dec !== undefined ? parseInt(dec, 10) : parseInt(hex!, 16);
    if (!isCharCode(code)) throw new ParseError(offset, 'a character reference to a character XML does not allow');
    return String.fromCodePoint(code);
  });
}

function position(source: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * Parses a whole document. Errors are XML_MALFORMED with a position, never with document text
 * (which may hold a BSN).
 */
export function parseXml(input: string, limits: ParseLimits = {}): XmlDocument {
  // End-of-line handling (XML 1.0 §2.11) first, so every later step sees only \n.
  let source = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (source.indexOf('\r') >= 0) source = source.replace(/\r\n?/g, '\n');
  try {
    return new Parser(source, limits.maxDepth ?? MAX_DEPTH, limits.maxAttributes ?? MAX_ATTRIBUTES).document();
  } catch (error) {
    if (error instanceof ParseError) {
      throw new XmlMessageError('XML_MALFORMED', `the document is not well-formed XML (${position(source, error.offset)}): ${error.reason}`);
    }
    throw error;
  }
}

class Parser {
  private pos = 0;
  private hasPi = false;

  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
    private readonly maxAttributes: number,
  ) {}

  document(): XmlDocument {
    const s = this.s;
    const bad = MAYBE_NOT_CHAR.test(s) ? NOT_CHAR.exec(s) : null;
    if (bad) throw new ParseError(bad.index, 'a character XML does not allow');
    if (s.startsWith('<?xml') && /^<\?xml[ \t\n?]/.test(s)) {
      const decl = XML_DECLARATION.exec(s);
      if (!decl) throw new ParseError(0, 'malformed XML declaration (version must be 1.0)');
      const encoding = decl[1] ?? decl[2];
      // The text is already decoded; a declaration of anything but UTF-8 would be a lie.
      if (encoding !== undefined && encoding.toUpperCase() !== 'UTF-8') throw new ParseError(0, 'the encoding must be UTF-8');
      this.pos = decl[0].length;
    }
    const before = this.misc();
    if (s.startsWith('<!DOCTYPE', this.pos)) throw new ParseError(this.pos, 'DOCTYPE is not allowed');
    if (!s.startsWith('<', this.pos)) throw new ParseError(this.pos, 'expected the root element');
    const root = this.element();
    const after = this.misc();
    if (this.pos < s.length) throw new ParseError(this.pos, 'content after the root element');
    return { source: s, root, before, after, hasProcessingInstruction: this.hasPi };
  }

  /** Comments, processing instructions and whitespace outside the root element. */
  private misc(): XmlProcessingInstruction[] {
    const pis: XmlProcessingInstruction[] = [];
    for (;;) {
      this.skipWhitespace();
      if (this.s.startsWith('<!--', this.pos)) this.comment();
      else if (this.s.startsWith('<?', this.pos)) pis.push(this.pi());
      else return pis;
    }
  }

  private skipWhitespace(): void {
    let c = this.s.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x09) c = this.s.charCodeAt(++this.pos);
  }

  private name(): string {
    const s = this.s;
    const start = this.pos;
    let i = start;
    let c = s.charCodeAt(i);
    // ASCII names (all of ours) by char code; anything else through the full Name expression.
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a) {
      do c = s.charCodeAt(++i);
      while ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x3a) || c === 0x5f || c === 0x2d || c === 0x2e);
      if (!(c >= 0x80)) {
        this.pos = i;
        return s.slice(start, i);
      }
    }
    NAME_BMP.lastIndex = start;
    let m = NAME_BMP.exec(s);
    let end = NAME_BMP.lastIndex;
    const next = s.charCodeAt(end);
    if (!m || (next >= 0xd800 && next <= 0xdbff)) {
      NAME.lastIndex = start;
      m = NAME.exec(s);
      end = NAME.lastIndex;
    }
    if (!m) throw new ParseError(start, 'expected a name');
    this.pos = end;
    return m[0];
  }

  private comment(): void {
    const start = this.pos;
    const end = this.s.indexOf('--', start + 4);
    if (end < 0) throw new ParseError(start, 'unterminated comment');
    if (this.s.charCodeAt(end + 2) !== 0x3e) throw new ParseError(end, '"--" inside a comment');
    this.pos = end + 3;
  }

  private pi(): XmlProcessingInstruction {
    const start = this.pos;
    this.pos += 2;
    const target = this.name();
    if (target.toLowerCase() === 'xml') throw new ParseError(start, 'misplaced XML declaration');
    if (target.includes(':')) throw new ParseError(start, 'a processing instruction target may not contain ":"');
    const end = this.s.indexOf('?>', this.pos);
    if (end < 0) throw new ParseError(start, 'unterminated processing instruction');
    let data = '';
    if (end > this.pos) {
      const c = this.s.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x9 && c !== 0xa) throw new ParseError(this.pos, 'malformed processing instruction');
      data = this.s.slice(this.pos, end).replace(/^[ \t\n]+/, '');
    }
    this.pos = end + 2;
    this.hasPi = true;
    return { kind: 'pi', target, data };
  }

  /** Parses the element at pos and everything in it, iteratively (no recursion limit to hit). */
  private element(): XmlElement {
    const stack: XmlElement[] = [];
    const qnames: string[] = [];
    let root: XmlElement | undefined;
    const s = this.s;
    for (;;) {
      // ---- start tag at pos ----
      const parent = stack.length > 0 ? stack[stack.length - 1] : null;
      const el = this.startTag(parent, qnames);
      if (parent) {
        parent.content.push(el);
        parent.children.push(el);
      } else {
        root = el;
      }
      if (!el.selfClosing) {
        if (stack.length + 1 > this.maxDepth) throw new ParseError(el.start, `elements nested deeper than ${this.maxDepth}`);
        stack.push(el);
      } else if (!parent) {
        return el;
      }
      // ---- content until the next start tag (or the end of the root) ----
      for (;;) {
        const current = stack[stack.length - 1];
        const lt = s.indexOf('<', this.pos);
        if (lt < 0) throw new ParseError(this.pos, 'unexpected end of the document');
        if (lt > this.pos) this.text(current, s.slice(this.pos, lt), this.pos);
        this.pos = lt;
        const next = s.charCodeAt(lt + 1);
        if (next === 0x2f /* / */) {
          this.pos = lt + 2;
          const name = this.name();
          this.skipWhitespace();
          if (s.charCodeAt(this.pos) !== 0x3e) throw new ParseError(this.pos, 'malformed end tag');
          if (name !== qnames[qnames.length - 1]) throw new ParseError(lt, 'end tag does not match the start tag');
          this.pos++;
          current.closeStart = lt;
          stack.pop();
          qnames.pop();
          if (stack.length === 0) return root!;
        } else if (next === 0x21 /* ! */) {
          if (s.startsWith('<!--', lt)) this.comment();
          else if (s.startsWith('<![CDATA[', lt)) {
            const end = s.indexOf(']]>', lt + 9);
            if (end < 0) throw new ParseError(lt, 'unterminated CDATA section');
            appendText(current, s.slice(lt + 9, end));
            this.pos = end + 3;
          } else {
            throw new ParseError(lt, s.startsWith('<!DOCTYPE', lt) ? 'DOCTYPE is not allowed' : 'markup declarations are not allowed');
          }
        } else if (next === 0x3f /* ? */) {
          current.content.push(this.pi());
        } else {
          break; // a child's start tag
        }
      }
    }
  }

  private text(el: XmlElement, raw: string, offset: number): void {
    const bracket = raw.indexOf(']]>');
    if (bracket >= 0) throw new ParseError(offset + bracket, '"]]>" in text');
    appendText(el, decode(raw, offset));
  }

  private startTag(parent: XmlElement | null, qnames: string[]): XmlElement {
    const s = this.s;
    const start = this.pos;
    this.pos++; // <
    const qname = this.name();
    let plain: [string, string, number][] | undefined;
    let declarations: [string, string][] = NO_DECLARATIONS;
    let count = 0;
    let selfClosing = false;
    for (;;) {
      let c = s.charCodeAt(this.pos);
      if (c === 0x3e) {
        this.pos++; // the common case: no (more) attributes
        break;
      }
      const before = this.pos;
      this.skipWhitespace();
      c = s.charCodeAt(this.pos);
      if (c === 0x3e) {
        this.pos++;
        break;
      }
      if (c === 0x2f && s.charCodeAt(this.pos + 1) === 0x3e) {
        selfClosing = true;
        this.pos += 2;
        break;
      }
      if (this.pos === before) throw new ParseError(this.pos, Number.isNaN(c) ? 'unexpected end of the document' : 'malformed start tag');
      const offset = this.pos;
      const name = this.name();
      this.skipWhitespace();
      if (s.charCodeAt(this.pos) !== 0x3d) throw new ParseError(this.pos, 'expected "=" after an attribute name');
      this.pos++;
      this.skipWhitespace();
      const quote = s.charCodeAt(this.pos);
      if (quote !== 0x22 && quote !== 0x27) throw new ParseError(this.pos, 'attribute values must be quoted');
      const end = s.indexOf(quote === 0x22 ? '"' : "'", this.pos + 1);
      if (end < 0) throw new ParseError(this.pos, 'unterminated attribute value');
      const rawValue = s.slice(this.pos + 1, end);
      if (rawValue.indexOf('<') >= 0) throw new ParseError(this.pos, '"<" in an attribute value');
      this.pos = end + 1;
      if (++count > this.maxAttributes) throw new ParseError(offset, 'too many attributes');
      // Attribute-value normalisation for CDATA attributes (there is no DTD to say otherwise).
      const value = decode(TAB_OR_NEWLINE.test(rawValue) ? rawValue.replace(/[\t\n]/g, ' ') : rawValue, offset);

      // Namespace declarations apply to the element's own name and all its attributes.
      const prefix = name === 'xmlns' ? '' : name.startsWith('xmlns:') ? name.slice(6) : undefined;
      if (prefix === undefined) {
        (plain ??= []).push([name, value, offset]);
        continue;
      }
      checkNcName(prefix === '' ? 'x' : prefix, offset);
      if (declarations.some(([p]) => p === prefix)) throw new ParseError(offset, 'duplicate namespace declaration');
      if (prefix === 'xmlns' || value === XMLNS_NS) throw new ParseError(offset, 'the xmlns prefix and namespace are reserved');
      if ((prefix === 'xml') !== (value === XML_NS)) throw new ParseError(offset, 'the xml prefix and namespace are reserved');
      if (prefix !== '' && value === '') throw new ParseError(offset, 'a prefix cannot be undeclared in XML 1.0');
      if (declarations === NO_DECLARATIONS) declarations = [];
      declarations.push([prefix, value]);
    }

    let scope = parent ? parent.scope : INITIAL_SCOPE;
    if (declarations.length > 0) {
      const extended = new Map(scope);
      for (const [prefix, uri] of declarations) extended.set(prefix, uri);
      scope = extended;
    }
    const colon = qname.indexOf(':');
    const [prefix, local] = colon < 0 ? ['', qname] : splitQName(qname, start);
    const uri = prefix === '' ? (scope.get('') ?? '') : scope.get(prefix);
    if (uri === undefined) throw new ParseError(start, 'undeclared namespace prefix');
    let attributes: XmlAttribute[] = NO_ATTRIBUTES;
    let attrs: Record<string, string> = NO_ATTRS;
    if (plain) {
      attributes = [];
      attrs = {};
      for (const [name, value, offset] of plain) {
        const [aPrefix, aLocal] = name.indexOf(':') < 0 ? ['', name] : splitQName(name, offset);
        const aUri = aPrefix === '' ? '' : scope.get(aPrefix);
        if (aUri === undefined) throw new ParseError(offset, 'undeclared namespace prefix');
        const key = aUri === '' ? aLocal : `{${aUri}}${aLocal}`;
        if (Object.prototype.hasOwnProperty.call(attrs, key)) throw new ParseError(offset, 'duplicate attribute');
        attrs[key] = value;
        attributes.push({ prefix: aPrefix, local: aLocal, uri: aUri, value });
      }
    }
    if (!selfClosing) qnames.push(qname);
    return {
      kind: 'element',
      prefix,
      local,
      uri,
      attributes,
      attrs,
      declarations,
      scope,
      content: [],
      children: [],
      text: '',
      parent,
      start,
      closeStart: selfClosing ? this.pos - 2 : -1,
      selfClosing,
    };
  }
}

function appendText(el: XmlElement, value: string): void {
  if (value === '') return;
  const last = el.content[el.content.length - 1];
  if (last && last.kind === 'text') last.value += value;
  else el.content.push({ kind: 'text', value });
  el.text += value;
}

/** For a part of a QName the parser already matched as a Name: no colon, and a proper first character. */
function checkNcName(name: string, offset: number): void {
  if (name === '' || name.includes(':')) throw new ParseError(offset, 'malformed name');
  if (NAME_START_BMP.test(name)) return;
  NAME.lastIndex = 0;
  const m = NAME.exec(name);
  if (!m || m[0].length !== name.length) throw new ParseError(offset, 'malformed name');
}

function splitQName(qname: string, offset: number): [string, string] {
  const colon = qname.indexOf(':');
  if (colon < 0) return ['', qname];
  const prefix = qname.slice(0, colon);
  const local = qname.slice(colon + 1);
  if (prefix === '' || local === '' || local.includes(':')) throw new ParseError(offset, 'malformed qualified name');
  if (prefix === 'xmlns') throw new ParseError(offset, 'the xmlns prefix is reserved');
  checkNcName(prefix, offset);
  checkNcName(local, offset);
  return [prefix, local];
}
