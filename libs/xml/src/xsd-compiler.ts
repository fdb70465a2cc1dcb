import type { BuiltinType, CompiledSchema, ComplexTypeModel, Particle, SimpleTypeModel } from './schema-model';
import { parseXml, type XmlElement } from './xml-parser';
import { translateXsdPattern } from './xsd-regex';

// Compiles the subset of XML Schema 1.0 our schemas use into a CompiledSchema (plain data) that
// schema-validator.ts checks documents against. Runs at build time (the generated module is
// checked in and a spec recompiles schemas/ to prove it is current), never on the hot path.
//
// Supported: global elements, named and anonymous complex types with element-only content
// (sequence, choice, group references, xs:any with lax/skip processing), named and anonymous
// simple types restricting a builtin or another simple type with pattern, enumeration,
// (min|max)Length, length, min/maxInclusive. Anything else is refused loudly, so the validator
// can never silently ignore a constraint the XSD states.

const XS = 'http://www.w3.org/2001/XMLSchema';
const BUILTINS: readonly BuiltinType[] = ['string', 'token', 'date', 'dateTime', 'integer', 'nonNegativeInteger', 'positiveInteger', 'boolean'];
const FACETS = new Set(['pattern', 'enumeration', 'length', 'minLength', 'maxLength', 'minInclusive', 'maxInclusive']);

export class XsdCompileError extends Error {}

function xsChildren(el: XmlElement): XmlElement[] {
  for (const node of el.content) {
    if (node.kind === 'text' && node.value.trim() !== '') throw new XsdCompileError(`text inside xs:${el.local}`);
  }
  return el.children.filter((c) => {
    if (c.uri !== XS) throw new XsdCompileError(`foreign element ${c.local} inside xs:${el.local}`);
    return c.local !== 'annotation';
  });
}

function attr(el: XmlElement, name: string): string | undefined {
  return el.attrs[name];
}

function required(el: XmlElement, name: string): string {
  const value = attr(el, name);
  if (value === undefined) throw new XsdCompileError(`xs:${el.local} needs @${name}`);
  return value;
}

function allowAttributes(el: XmlElement, allowed: string[]): void {
  for (const a of el.attributes) {
    if (a.uri === '' && !allowed.includes(a.local)) throw new XsdCompileError(`unsupported @${a.local} on xs:${el.local}`);
  }
}

export function compileXsd(xsdText: string): CompiledSchema {
  const schema = parseXml(xsdText, { maxDepth: 64, maxAttributes: 64 }).root;
  if (schema.uri !== XS || schema.local !== 'schema') throw new XsdCompileError('the root must be xs:schema');
  const target = required(schema, 'targetNamespace');
  if (attr(schema, 'elementFormDefault') !== 'qualified') throw new XsdCompileError('elementFormDefault must be qualified');

  const named = { complexType: new Map<string, XmlElement>(), simpleType: new Map<string, XmlElement>(), group: new Map<string, XmlElement>() };
  const globalElements: XmlElement[] = [];
  for (const child of xsChildren(schema)) {
    if (child.local === 'element') globalElements.push(child);
    else if (child.local === 'complexType' || child.local === 'simpleType' || child.local === 'group') {
      const name = required(child, 'name');
      if (named[child.local].has(name)) throw new XsdCompileError(`duplicate ${child.local} ${name}`);
      named[child.local].set(name, child);
    } else throw new XsdCompileError(`unsupported top-level xs:${child.local}`);
  }

  const out: CompiledSchema = {
    targetNamespace: target,
    version: attr(schema, 'version') ?? '',
    elements: {},
    complexTypes: {},
    simpleTypes: {},
  };
  const inProgress = new Set<string>();

  /** Resolves a QName attribute value to a type name in the output ('xs:…' for builtins). */
  const typeRef = (el: XmlElement, qname: string): string => {
    const colon = qname.indexOf(':');
    const prefix = colon < 0 ? '' : qname.slice(0, colon);
    const local = colon < 0 ? qname : qname.slice(colon + 1);
    const uri = el.scope.get(prefix) ?? '';
    if (uri === XS) {
      if (!BUILTINS.includes(local as BuiltinType)) throw new XsdCompileError(`unsupported builtin type xs:${local}`);
      const name = `xs:${local}`;
      out.simpleTypes[name] ??= { builtin: local as BuiltinType, patterns: [] };
      return name;
    }
    if (uri !== target) throw new XsdCompileError(`type ${qname} is not in the target namespace`);
    if (named.complexType.has(local)) compileComplex(named.complexType.get(local)!, local);
    else if (named.simpleType.has(local)) compileSimple(named.simpleType.get(local)!, local);
    else throw new XsdCompileError(`unknown type ${qname}`);
    return local;
  };

  const begin = (name: string): boolean => {
    if (out.complexTypes[name] || out.simpleTypes[name]) return false;
    if (inProgress.has(name)) throw new XsdCompileError(`recursive type ${name}`);
    inProgress.add(name);
    return true;
  };

  const compileSimple = (el: XmlElement, name: string): void => {
    if (!begin(name)) return;
    allowAttributes(el, ['name']);
    const [restriction, ...rest] = xsChildren(el);
    if (!restriction || rest.length > 0 || restriction.local !== 'restriction') {
      throw new XsdCompileError(`simple type ${name} must be one xs:restriction`);
    }
    allowAttributes(restriction, ['base']);
    const base = out.simpleTypes[typeRef(restriction, required(restriction, 'base'))];
    if (!base) throw new XsdCompileError(`simple type ${name} restricts a complex type`);
    const model: SimpleTypeModel = { ...base, patterns: [...base.patterns] };
    const patterns: string[] = [];
    const enumeration: string[] = [];
    for (const facet of xsChildren(restriction)) {
      if (!FACETS.has(facet.local)) throw new XsdCompileError(`unsupported facet xs:${facet.local} in ${name}`);
      allowAttributes(facet, ['value']);
      const value = required(facet, 'value');
      if (facet.local === 'pattern') patterns.push(translateXsdPattern(value));
      else if (facet.local === 'enumeration') enumeration.push(value);
      else {
        if (!/^-?\d+$/.test(value)) throw new XsdCompileError(`facet xs:${facet.local} in ${name} must be an integer`);
        model[facet.local as 'length' | 'minLength' | 'maxLength' | 'minInclusive' | 'maxInclusive'] = Number(value);
      }
    }
    if (patterns.length > 0) model.patterns.push(patterns);
    if (enumeration.length > 0) model.enumeration = enumeration;
    inProgress.delete(name);
    out.simpleTypes[name] = model;
  };

  const occurs = (el: XmlElement): { min: number; max: number } => {
    const min = attr(el, 'minOccurs') ?? '1';
    const max = attr(el, 'maxOccurs') ?? '1';
    if (!/^\d+$/.test(min) || !(max === 'unbounded' || /^\d+$/.test(max))) throw new XsdCompileError(`bad occurrence on xs:${el.local}`);
    const result = { min: Number(min), max: max === 'unbounded' ? -1 : Number(max) };
    if (result.max !== -1 && result.max < result.min) throw new XsdCompileError(`maxOccurs < minOccurs on xs:${el.local}`);
    return result;
  };

  const particle = (el: XmlElement, context: string): Particle => {
    switch (el.local) {
      case 'sequence':
      case 'choice':
        allowAttributes(el, ['minOccurs', 'maxOccurs']);
        return { kind: el.local, items: xsChildren(el).map((c) => particle(c, context)), ...occurs(el) };
      case 'group': {
        allowAttributes(el, ['ref', 'minOccurs', 'maxOccurs']);
        const ref = required(el, 'ref').replace(/^[^:]*:/, '');
        const group = named.group.get(ref);
        if (!group) throw new XsdCompileError(`unknown group ${ref}`);
        const [inner, ...rest] = xsChildren(group);
        if (!inner || rest.length > 0) throw new XsdCompileError(`group ${ref} must hold one sequence or choice`);
        const compiled = particle(inner, context);
        if (compiled.kind === 'element' || compiled.kind === 'any') throw new XsdCompileError(`group ${ref} must hold one sequence or choice`);
        return { ...compiled, ...occurs(el) };
      }
      case 'any': {
        allowAttributes(el, ['namespace', 'processContents', 'minOccurs', 'maxOccurs']);
        const process = attr(el, 'processContents') ?? 'strict';
        // Without declarations for the foreign namespace, strict could only fail: we refuse it.
        if (process !== 'lax' && process !== 'skip') throw new XsdCompileError('xs:any needs processContents lax or skip');
        const namespaceAttr = (attr(el, 'namespace') ?? '##any').trim();
        if (namespaceAttr === '##any') return { kind: 'any', namespaces: ['##any'], ...occurs(el) };
        if (namespaceAttr === '##other') return { kind: 'any', namespaces: [], otherThan: target, ...occurs(el) };
        const namespaces = namespaceAttr
          .split(/\s+/)
          .map((n) => (n === '##targetNamespace' ? target : n === '##local' ? '' : n));
        return { kind: 'any', namespaces, ...occurs(el) };
      }
      case 'element': {
        allowAttributes(el, ['name', 'type', 'minOccurs', 'maxOccurs']);
        const name = required(el, 'name');
        return { kind: 'element', name, type: elementType(el, `${context}.${name}`), ...occurs(el) };
      }
      default:
        throw new XsdCompileError(`unsupported xs:${el.local} in ${context}`);
    }
  };

  /** The type of an element: by @type, or its anonymous type compiled under `anonymousName`. */
  const elementType = (el: XmlElement, anonymousName: string): string => {
    const type = attr(el, 'type');
    const inline = xsChildren(el);
    if (type !== undefined) {
      if (inline.length > 0) throw new XsdCompileError(`element ${anonymousName} has both @type and an inline type`);
      return typeRef(el, type);
    }
    if (inline.length !== 1) throw new XsdCompileError(`element ${anonymousName} needs a type`);
    if (inline[0].local === 'complexType') compileComplex(inline[0], anonymousName);
    else if (inline[0].local === 'simpleType') compileSimple(inline[0], anonymousName);
    else throw new XsdCompileError(`element ${anonymousName} needs a type`);
    return anonymousName;
  };

  const compileComplex = (el: XmlElement, name: string): void => {
    if (!begin(name)) return;
    allowAttributes(el, ['name']);
    const parts = xsChildren(el);
    if (parts.length > 1) throw new XsdCompileError(`complex type ${name} must hold one sequence, choice or group`);
    const model: ComplexTypeModel = {
      content: parts.length === 0 ? { kind: 'sequence', items: [], min: 1, max: 1 } : particle(parts[0], name),
    };
    if (model.content.kind === 'element' || model.content.kind === 'any') {
      throw new XsdCompileError(`complex type ${name} must hold one sequence, choice or group`);
    }
    inProgress.delete(name);
    out.complexTypes[name] = model;
  };

  for (const el of globalElements) {
    allowAttributes(el, ['name', 'type']);
    const name = required(el, 'name');
    const type = elementType(el, name);
    if (!out.complexTypes[type]) throw new XsdCompileError(`global element ${name} must have a complex type`);
    out.elements[name] = type;
  }
  // Named types nobody references are still part of the contract: compile them too.
  for (const [name, el] of named.complexType) compileComplex(el, name);
  for (const [name, el] of named.simpleType) compileSimple(el, name);
  return out;
}
