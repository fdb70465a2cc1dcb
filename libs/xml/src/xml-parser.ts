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
  /** The name as written (`prefix:local` or `local`). */
  qname: string;
  prefix: string;
  local: string;
  /** '' for an attribute without prefix. */
  uri: string;
  value: string;
  /** True when canonicalisation writes the value as it is (nothing to escape). */
  plain: boolean;
}

export interface XmlText {
  kind: 'text';
  value: string;
  /** Offsets of the text in the source, or -1 when it was merged from several pieces (CDATA, comments). */
  start: number;
  end: number;
  /**
   * True when the source text [start, end) is the value itself and canonicalisation leaves it as
   * it is (one raw piece without references, `>` or CDATA): c14n may copy the source.
   */
  verbatim: boolean;
}

export interface XmlProcessingInstruction {
  kind: 'pi';
  target: string;
  data: string;
}

export interface XmlElement {
  kind: 'element';
  /** The name as written (`prefix:local` or `local`). */
  qname: string;
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
  scope: NamespaceScope;
  /** Children in order: elements, text, processing instructions (comments are dropped). */
  content: (XmlElement | XmlText | XmlProcessingInstruction)[];
  /** Element children only. */
  children: XmlElement[];
  /** Concatenated direct text content. */
  text: string;
  parent: XmlElement | null;
  /** Offset of `<` in the (line-end normalised) source. */
  start: number;
  /** Offset just after the start tag's `>` (or the empty-element tag's `/>`). */
  startEnd: number;
  /** Offset of the end tag's `<`, or of `/>` for an empty-element tag. */
  closeStart: number;
  /** Offset just after the end tag's `>` (after `/>` for an empty-element tag). */
  end: number;
  selfClosing: boolean;
  /**
   * True when the start tag is written exactly as exclusive c14n writes it, given its own namespace
   * declarations: `<qname`, declarations sorted by prefix, attributes sorted by namespace URI and
   * name, each after one space, `name="value"` with nothing to escape, then `>`. (c14n still decides
   * which declarations belong there.)
   */
  startTagCanonical: boolean;
}

/** The value of an element's attribute without namespace, as `el.attrs[local]` but without building `attrs`. */
export function attribute(el: XmlElement, local: string): string | undefined {
  const attributes = el.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i];
    if (a.local === local && a.uri === '') return a.value;
  }
  return undefined;
}

/** The namespace bindings in scope of an element: prefix ('' = default) → URI. */
export interface NamespaceScope {
  get(prefix: string): string | undefined;
}

/** One declaration and the scope it extends: an element that declares adds a link, no copy. */
class Scope implements NamespaceScope {
  constructor(
    private readonly prefix: string,
    private readonly uri: string,
    private readonly outer: Scope | null,
  ) {}

  get(prefix: string): string | undefined {
    if (this.prefix === prefix) return this.uri;
    return this.outer === null ? undefined : this.outer.get(prefix);
  }
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
/**
 * The control characters XML does not allow, one string each: 29 single-character searches
 * (memchr-fast in V8) cost a quarter of one pass of a character-class expression.
 */
const CONTROL_CHARACTERS = Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c)).filter((c) => c !== '\t' && c !== '\n' && c !== '\r');

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < CONTROL_CHARACTERS.length; i++) if (s.indexOf(CONTROL_CHARACTERS[i]) >= 0) return true;
  return false;
}
const REFERENCE = /&(?:(lt|gt|amp|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/g;
const BAD_AMPERSAND = /&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
const XML_DECLARATION =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.0"|'1\.0')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"([A-Za-z][A-Za-z0-9._-]*)"|'([A-Za-z][A-Za-z0-9._-]*)'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const INITIAL_SCOPE = new Scope('xml', XML_NS, null);
// Shared by every element without attributes or declarations (most of them); never mutated.
const NO_ATTRIBUTES: XmlAttribute[] = Object.freeze([]) as unknown as XmlAttribute[];
const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_DECLARATIONS: [string, string][] = Object.freeze([]) as unknown as [string, string][];
// Likewise for elements without content or element children, until the parser adds the first one.
const NO_CONTENT: XmlElement['content'] = Object.freeze([]) as unknown as XmlElement['content'];
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

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

/** The offset of the first character XML 1.0 does not allow, or -1. */
function badCharacter(s: string): number {
  // Control characters, then what only a two-byte string can hold: lone surrogates, U+FFFE/U+FFFF
  // (isWellFormed is O(1) for the usual one-byte string). NOT_CHAR only finds the position.
  if (hasControlCharacter(s) || !(s as unknown as { isWellFormed(): boolean }).isWellFormed() || s.indexOf('\uFFFE') >= 0 || s.indexOf('\uFFFF') >= 0) {
    const bad = NOT_CHAR.exec(s);
    if (bad) return bad.index;
  }
  return -1;
}

/** Refuses (XML_MALFORMED, as parseXml would) a text holding a character XML 1.0 does not allow. */
export function checkCharacters(s: string): void {
  const bad = badCharacter(s);
  if (bad >= 0) throw new XmlMessageError('XML_MALFORMED', `the document is not well-formed XML (${position(s, bad)}): a character XML does not allow`);
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

/** True for the ASCII characters that may start an NCName: A-Z, a-z, _. */
function isAsciiNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** ASCII name characters: 1 for [A-Za-z0-9_.-], 2 for ':', 0 otherwise (undefined beyond ASCII). */
const ASCII_NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_NAME_CHAR[c] = isAsciiNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e ? 1 : c === 0x3a ? 2 : 0;

// Where the colon of a scanned ASCII name is, so splitting a QName needs no regex.
const NO_COLON = -1;
const MANY_COLONS = -2;
const NOT_ASCII = -3;

/**
 * A checked QName and its parts. `prefix` may be `xmlns` here: a namespace declaration when it
 * names an attribute, refused as an element name.
 */
interface QName {
  qname: string;
  prefix: string;
  local: string;
}

/**
 * Names seen before: a document uses a few dozen names over and over, and a hit (the same text,
 * compared in full) saves splitting and checking the name again and gives one internalised string
 * per name, which makes every later comparison with our constants cheap. The slot is picked by a
 * fingerprint of the name's length and a few of its characters; a slot another name took falls
 * back to the Map. Bounded, and only names up to 64 characters are kept.
 */
const NAME_SLOTS: (QName | undefined)[] = new Array<QName | undefined>(2048).fill(undefined);
const NAME_SLOT_MASK = 2047;
/** Every remembered name by its text, for names whose slot another name took (bounded). */
const NAMES = new Map<string, QName>();
const NAMES_LIMIT = 4096;
const REMEMBERED_NAME_LENGTH = 64;
/** Declared namespace URIs and prefixes likewise, as shared internalised strings (bounded). */
const URIS = new Map<string, string>();
const URI_CACHE_LIMIT = 256;
const URI_CACHE_MAX_LENGTH = 256;

/** The internalised copy of a string (a property key always is one), independent of the source it was sliced from. */
function internalised(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

/** The few URIs a document declares over and over: comparing with them costs less than hashing for the Map. */
const RECENT_URIS: string[] = [];

function internUri(uri: string): string {
  for (let i = 0; i < RECENT_URIS.length; i++) {
    const recent = RECENT_URIS[i];
    if (recent.length === uri.length && recent === uri) return recent;
  }
  if (uri.length > URI_CACHE_MAX_LENGTH) return uri;
  let interned = URIS.get(uri);
  if (interned === undefined) {
    interned = internalised(uri);
    if (URIS.size >= URI_CACHE_LIMIT) URIS.clear();
    URIS.set(interned, interned);
  }
  if (RECENT_URIS.length >= 8) RECENT_URIS.pop();
  RECENT_URIS.unshift(interned);
  return interned;
}

/** Where the one colon of a name is, NO_COLON, or MANY_COLONS. */
function colonOf(name: string): number {
  const colon = name.indexOf(':');
  return colon < 0 ? NO_COLON : name.indexOf(':', colon + 1) < 0 ? colon : MANY_COLONS;
}

/** Splits and checks a name as a QName; throws when it is none. */
function newQName(name: string, colon: number, offset: number): QName {
  let prefix = '';
  let local = name;
  if (colon !== NO_COLON) {
    if (colon >= 0 && isAsciiQName(name, colon)) {
      prefix = name.slice(0, colon);
      local = name.slice(colon + 1);
    } else {
      [prefix, local] = splitQName(name, offset);
    }
  }
  if (name.length > REMEMBERED_NAME_LENGTH) return { qname: name, prefix, local };
  return { qname: internalised(name), prefix: internalised(prefix), local: internalised(local) };
}

/** An element of the tree; `attrs` is made only when someone asks for it. */
class Element implements XmlElement {
  readonly kind = 'element';
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  content: XmlElement['content'] = NO_CONTENT;
  children: XmlElement[] = NO_CHILDREN;
  text = '';
  closeStart: number;
  end: number;
  private attrsByName: Record<string, string> | undefined = undefined;

  constructor(
    name: QName,
    readonly uri: string,
    readonly attributes: XmlAttribute[],
    readonly declarations: [string, string][],
    readonly scope: NamespaceScope,
    readonly parent: XmlElement | null,
    readonly start: number,
    readonly startEnd: number,
    readonly selfClosing: boolean,
    readonly startTagCanonical: boolean,
  ) {
    this.qname = name.qname;
    this.prefix = name.prefix;
    this.local = name.local;
    this.closeStart = selfClosing ? startEnd - 2 : -1;
    this.end = selfClosing ? startEnd : -1;
  }

  get attrs(): Record<string, string> {
    if (this.attrsByName === undefined) {
      if (this.attributes.length === 0) this.attrsByName = NO_ATTRS;
      else {
        const attrs: Record<string, string> = {};
        for (const a of this.attributes) attrs[a.uri === '' ? a.local : `{${a.uri}}${a.local}`] = a.value;
        this.attrsByName = attrs;
      }
    }
    return this.attrsByName;
  }
}

class Parser {
  private pos = 0;
  private hasPi = false;
  // Scratch space for a start tag's attributes (not namespace declarations), reused by every tag.
  private readonly attrNames: QName[] = [];
  private readonly attrValues: string[] = [];
  private readonly attrOffsets: number[] = [];
  private readonly attrKeys: string[] = [];
  private readonly attrVerbatim: boolean[] = [];
  private readonly attrScratch: XmlAttribute[] = [];
  private readonly declScratch: [string, string][] = [];
  /** Content and element children of the open elements (see element()). */
  private readonly openContent: (XmlElement | XmlText | XmlProcessingInstruction)[] = [];
  private readonly openChildren: XmlElement[] = [];
  private contentTop = 0;
  private childrenTop = 0;
  /** The default namespace in scope of the element startTag() just read. */
  private defaultNs = '';

  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
    private readonly maxAttributes: number,
  ) {}

  document(): XmlDocument {
    const s = this.s;
    const bad = badCharacter(s);
    if (bad >= 0) throw new ParseError(bad, 'a character XML does not allow');
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

  /** A Name at pos (any XML Name, by the full expression when it is not ASCII). */
  private name(): string {
    const s = this.s;
    const start = this.pos;
    let i = start;
    let c = s.charCodeAt(i);
    if (isAsciiNameStart(c) || c === 0x3a) {
      do c = s.charCodeAt(++i);
      while (ASCII_NAME_CHAR[c] > 0);
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

  /** A QName at pos (element or attribute name), checked; remembered ones without a new string. */
  private qname(): QName {
    const s = this.s;
    const start = this.pos;
    let i = start;
    let c = s.charCodeAt(i);
    // ASCII names (all of ours) by a table; anything else by name().
    if (isAsciiNameStart(c) || c === 0x3a) {
      do c = s.charCodeAt(++i);
      while (ASCII_NAME_CHAR[c] > 0);
      if (!(c >= 0x80)) {
        this.pos = i;
        // The slot: a fingerprint of length and a few characters (a hit is still compared in full).
        const length = i - start;
        const second = length > 1 ? s.charCodeAt(start + 1) : 0;
        const before = length > 1 ? s.charCodeAt(i - 2) : 0;
        const fingerprint = (length << 8) ^ (s.charCodeAt(start) << 4) ^ (s.charCodeAt(i - 1) << 1) ^ s.charCodeAt(start + (length >> 1)) ^ (before << 6) ^ (second * 7);
        const slot = fingerprint & NAME_SLOT_MASK;
        const known = NAME_SLOTS[slot];
        const name = s.slice(start, i);
        if (known !== undefined && known.qname === name) return known;
        let q = NAMES.get(name);
        if (q === undefined) {
          q = newQName(name, colonOf(name), start);
          if (length > REMEMBERED_NAME_LENGTH) return q;
          if (NAMES.size >= NAMES_LIMIT) NAMES.clear();
          NAMES.set(q.qname, q);
        }
        NAME_SLOTS[slot] = q;
        return q;
      }
    }
    return newQName(this.name(), NOT_ASCII, start);
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

  /**
   * Parses the element at pos and everything in it, iteratively (no recursion limit to hit). The
   * content and element children of the open elements collect on two shared stacks and become
   * arrays of exactly their size when the element ends (arrays grown by push would reserve 17
   * slots each, most of them never used).
   */
  private element(): XmlElement {
    const stack: XmlElement[] = [];
    // Per open element: the default namespace in scope, and where its content and children start.
    const defaults: string[] = [];
    const contentFrom: number[] = [];
    const childrenFrom: number[] = [];
    // Two stacks with explicit tops (setting an array's length is a slow runtime call).
    const content = this.openContent;
    const children = this.openChildren;
    let root: XmlElement | undefined;
    const s = this.s;
    for (;;) {
      // ---- start tag at pos ----
      const depth = stack.length;
      const parent = depth > 0 ? stack[depth - 1] : null;
      const el = this.startTag(parent, parent ? defaults[depth - 1] : '');
      if (parent) {
        content[this.contentTop++] = el;
        children[this.childrenTop++] = el;
      } else {
        root = el;
      }
      if (!el.selfClosing) {
        if (depth + 1 > this.maxDepth) throw new ParseError(el.start, `elements nested deeper than ${this.maxDepth}`);
        defaults[depth] = this.defaultNs;
        contentFrom[depth] = this.contentTop;
        childrenFrom[depth] = this.childrenTop;
        stack.push(el);
      } else if (!parent) {
        return el;
      }
      // ---- content until the next start tag (or the end of the root) ----
      for (;;) {
        const top = stack.length - 1;
        const current = stack[top];
        const lt = s.indexOf('<', this.pos);
        if (lt < 0) throw new ParseError(this.pos, 'unexpected end of the document');
        if (lt > this.pos) this.text(current, contentFrom[top], this.pos, lt);
        this.pos = lt;
        const next = s.charCodeAt(lt + 1);
        if (next === 0x2f /* / */) {
          const qname = current.qname;
          const nameEnd = lt + 2 + qname.length;
          if (s.charCodeAt(nameEnd) === 0x3e && s.slice(lt + 2, nameEnd) === qname) {
            this.pos = nameEnd + 1; // the usual `</qname>`: '>' cannot be part of a name
          } else {
            this.pos = lt + 2;
            const name = this.name();
            this.skipWhitespace();
            if (s.charCodeAt(this.pos) !== 0x3e) throw new ParseError(this.pos, 'malformed end tag');
            if (name !== qname) throw new ParseError(lt, 'end tag does not match the start tag');
            this.pos++;
          }
          current.closeStart = lt;
          current.end = this.pos;
          const from = contentFrom[top];
          const childFrom = childrenFrom[top];
          if (this.childrenTop > childFrom) {
            current.children = children.slice(childFrom, this.childrenTop);
            this.childrenTop = childFrom;
          }
          if (this.contentTop > from) {
            // Only elements (no text or PIs): one array serves as both (neither is ever changed).
            current.content = this.contentTop - from === current.children.length ? current.children : content.slice(from, this.contentTop);
            this.contentTop = from;
          }
          stack.pop();
          if (stack.length === 0) return root!;
        } else if (next === 0x21 /* ! */) {
          if (s.startsWith('<!--', lt)) this.comment();
          else if (s.startsWith('<![CDATA[', lt)) {
            const end = s.indexOf(']]>', lt + 9);
            if (end < 0) throw new ParseError(lt, 'unterminated CDATA section');
            this.appendText(current, contentFrom[top], s.slice(lt + 9, end), -1, -1, false);
            this.pos = end + 3;
          } else {
            throw new ParseError(lt, s.startsWith('<!DOCTYPE', lt) ? 'DOCTYPE is not allowed' : 'markup declarations are not allowed');
          }
        } else if (next === 0x3f /* ? */) {
          content[this.contentTop++] = this.pi();
        } else {
          break; // a child's start tag
        }
      }
    }
  }

  /** Character data [start, end) of `el` (whose content so far is on the stack from `from`). */
  private text(el: XmlElement, from: number, start: number, end: number): void {
    const raw = this.s.slice(start, end);
    const gt = raw.indexOf('>');
    if (gt >= 0) {
      const bracket = raw.indexOf(']]>', gt - 2);
      if (bracket >= 0) throw new ParseError(start + bracket, '"]]>" in text');
    }
    if (raw.indexOf('&') < 0) this.appendText(el, from, raw, start, end, gt < 0);
    else this.appendText(el, from, decode(raw, start), start, end, false);
  }

  private appendText(el: XmlElement, from: number, value: string, start: number, end: number, verbatim: boolean): void {
    if (value === '') return;
    const content = this.openContent;
    const last = this.contentTop > from ? content[this.contentTop - 1] : undefined;
    if (last !== undefined && last.kind === 'text') {
      // Merged with text before a comment or CDATA section: no longer one piece of the source.
      last.value += value;
      last.start = -1;
      last.end = -1;
      last.verbatim = false;
    } else {
      content[this.contentTop++] = { kind: 'text', value, start, end, verbatim };
    }
    el.text += value;
  }

  private startTag(parent: XmlElement | null, inheritedDefault: string): XmlElement {
    const s = this.s;
    const start = this.pos;
    this.pos++; // <
    const q = this.qname();
    if (q.prefix === 'xmlns') throw new ParseError(start, 'the xmlns prefix is reserved');
    const names = this.attrNames;
    const values = this.attrValues;
    const offsets = this.attrOffsets;
    const keys = this.attrKeys;
    const verbatims = this.attrVerbatim;
    const decls = this.declScratch;
    let plain = 0;
    let declared = 0;
    let count = 0;
    let selfClosing = false;
    /** Whether the tag is written as exclusive c14n would write it with its own declarations. */
    let canonical = true;
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
        canonical = false; // whitespace before `>`
        break;
      }
      if (c === 0x2f && s.charCodeAt(this.pos + 1) === 0x3e) {
        selfClosing = true;
        this.pos += 2;
        break;
      }
      if (this.pos === before) throw new ParseError(this.pos, Number.isNaN(c) ? 'unexpected end of the document' : 'malformed start tag');
      if (this.pos !== before + 1 || s.charCodeAt(before) !== 0x20) canonical = false;
      const offset = this.pos;
      const name = this.qname();
      const at = this.pos;
      this.skipWhitespace();
      if (s.charCodeAt(this.pos) !== 0x3d) throw new ParseError(this.pos, 'expected "=" after an attribute name');
      this.pos++;
      this.skipWhitespace();
      if (this.pos !== at + 1) canonical = false;
      const quote = s.charCodeAt(this.pos);
      if (quote !== 0x22) canonical = false;
      if (quote !== 0x22 && quote !== 0x27) throw new ParseError(this.pos, 'attribute values must be quoted');
      const end = s.indexOf(quote === 0x22 ? '"' : "'", this.pos + 1);
      if (end < 0) throw new ParseError(this.pos, 'unterminated attribute value');
      const rawValue = s.slice(this.pos + 1, end);
      if (rawValue.indexOf('<') >= 0) throw new ParseError(this.pos, '"<" in an attribute value');
      this.pos = end + 1;
      if (++count > this.maxAttributes) throw new ParseError(offset, 'too many attributes');
      // Attribute-value normalisation for CDATA attributes (there is no DTD to say otherwise).
      const normalise = rawValue.indexOf('\n') >= 0 || rawValue.indexOf('\t') >= 0;
      const value = decode(normalise ? rawValue.replace(/[\t\n]/g, ' ') : rawValue, offset);
      if (value !== rawValue) canonical = false; // references or tab/line end: c14n writes them otherwise

      // Namespace declarations (xmlns, xmlns:p) apply to the element's own name and all its attributes.
      let prefix: string;
      if (name.prefix === 'xmlns') prefix = name.local;
      else if (name.prefix === '' && name.local === 'xmlns') prefix = '';
      else {
        names[plain] = name;
        values[plain] = value;
        offsets[plain] = offset;
        // Canonical c14n writes it unchanged: no references, nothing normalised, no `"` (the raw
        // value holds no `<`, and no CR after line-end normalisation).
        verbatims[plain] = value === rawValue && !normalise && (quote === 0x22 || rawValue.indexOf('"') < 0);
        plain++;
        continue;
      }
      for (let j = 0; j < declared; j++) if (decls[j][0] === prefix) throw new ParseError(offset, 'duplicate namespace declaration');
      if (prefix === 'xmlns' || value === XMLNS_NS) throw new ParseError(offset, 'the xmlns prefix and namespace are reserved');
      if ((prefix === 'xml') !== (value === XML_NS)) throw new ParseError(offset, 'the xml prefix and namespace are reserved');
      if (prefix !== '' && value === '') throw new ParseError(offset, 'a prefix cannot be undeclared in XML 1.0');
      // c14n writes the declarations first, sorted by prefix (the default one first).
      if (plain > 0 || (declared > 0 && !(decls[declared - 1][0] < prefix))) canonical = false;
      decls[declared++] = [prefix, internUri(value)];
    }

    let scope = parent ? (parent.scope as Scope) : INITIAL_SCOPE;
    let defaultNs = inheritedDefault;
    let declarations: [string, string][] = NO_DECLARATIONS;
    if (declared > 0) {
      declarations = decls.slice(0, declared);
      for (const [prefix, uri] of declarations) {
        scope = new Scope(prefix, uri, scope);
        if (prefix === '') defaultNs = uri;
      }
    }
    this.defaultNs = defaultNs;
    const prefix = q.prefix;
    const uri = prefix === '' ? defaultNs : scope.get(prefix);
    if (uri === undefined) throw new ParseError(start, 'undeclared namespace prefix');
    let attributes: XmlAttribute[] = NO_ATTRIBUTES;
    if (plain > 0) {
      const scratch = this.attrScratch;
      for (let k = 0; k < plain; k++) {
        const { qname: aQName, prefix: aPrefix, local: aLocal } = names[k];
        const offset = offsets[k];
        const aUri = aPrefix === '' ? '' : scope.get(aPrefix);
        if (aUri === undefined) throw new ParseError(offset, 'undeclared namespace prefix');
        const key = aUri === '' ? aLocal : `{${aUri}}${aLocal}`;
        for (let j = 0; j < k; j++) if (keys[j] === key) throw new ParseError(offset, 'duplicate attribute');
        // c14n sorts attributes by namespace URI, then local name.
        if (k > 0 && canonical) {
          const previous = scratch[k - 1];
          if (!(previous.uri < aUri || (previous.uri === aUri && previous.local < aLocal))) canonical = false;
        }
        keys[k] = key;
        scratch[k] = { qname: aQName, prefix: aPrefix, local: aLocal, uri: aUri, value: values[k], plain: verbatims[k] };
      }
      attributes = scratch.slice(0, plain);
    }
    return new Element(q, uri, attributes, declarations, scope, parent, start, this.pos, selfClosing, canonical && !selfClosing);
  }
}

/**
 * Whether an ASCII name (checked by the scanner: [A-Za-z_:][A-Za-z0-9_:.-]*) with one colon at
 * `colon` is a proper QName: a non-empty prefix and a local part that starts like an NCName.
 */
function isAsciiQName(name: string, colon: number): boolean {
  return colon > 0 && colon < name.length - 1 && isAsciiNameStart(name.charCodeAt(colon + 1));
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
  checkNcName(prefix, offset);
  checkNcName(local, offset);
  return [prefix, local];
}
