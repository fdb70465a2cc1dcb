import { DOMParser, type Element } from '@xmldom/xmldom';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { RegionaleMeldingDto } from '@vir/contracts';
import { checkMelding, type MeldingFacts } from '@vir/domain';
import { VIR_NS } from '@vir/xml';
import { CliError } from './cli-io';

// Turns what an operator hands the CLI into message data for @vir/xml: a tenant's JSON melding
// (validated exactly as the gateway does), a national message as JSON, or an unsigned draft of
// a national XML message. Problems are reported with the gateway's codes and exit status 2.

export const MESSAGE_TYPES = [
  'Melding',
  'Matchsignaal',
  'Matchsignalen',
  'Intrekking',
  'Verwijdering',
  'Ontvangstbevestiging',
  'Foutbericht',
  'Ping',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The root element of a national message: a known type in our namespace, or undefined. */
export function messageTypeOf(root: Element): MessageType | undefined {
  if (root.namespaceURI !== VIR_NS) return undefined;
  return MESSAGE_TYPES.find((t) => t === root.localName);
}

export function parseJson(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new CliError(`MALFORMED_JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CliError('VALIDATION_FAILED: the JSON must be an object');
  }
  return body as Record<string, unknown>;
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => `${prefix}${m}`),
    ...describe(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

/** Validates a tenant's JSON melding with the gateway's rules (class-validator, whitelist). */
export function validateRegionaleMelding(body: Record<string, unknown>): RegionaleMeldingDto {
  const dto = plainToInstance(RegionaleMeldingDto, body);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const details = describe(errors).map((d) => `\n  - ${d}`).join('');
    throw new CliError(`VALIDATION_FAILED: the melding has missing or malformed fields${details}`);
  }
  return dto;
}

/** The index's rules (11-proef, age, dates) that the gateway applies before it signs. */
export function checkMeldingRules(melding: MeldingFacts, today: string): void {
  const violations = checkMelding(melding, today);
  if (violations.length > 0) {
    throw new CliError(violations.map((v) => `${v.code}: ${v.field}: ${v.message}`).join('\n'));
  }
}

/**
 * Which message a JSON object is: a tenant melding (no national header fields), or a national
 * message recognised by a field only it has.
 */
export function jsonKind(body: Record<string, unknown>): MessageType | 'RegionaleMelding' {
  const has = (key: string) => key in body;
  if (has('signalen')) return 'Matchsignalen';
  if (has('matchId')) return 'Matchsignaal';
  if (has('intrekkingsdatum')) return 'Intrekking';
  if (has('gemeentecode')) return 'Verwijdering';
  if (has('resultaten')) return 'Ontvangstbevestiging';
  if (has('betreft')) return 'Foutbericht';
  if (has('pingId')) return 'Ping';
  if (has('afzenderOin') || has('convenant') || has('verzonden')) return 'Melding';
  return 'RegionaleMelding';
}

/** Elements that hold a list even when it has one item (or none). */
const LIST_ELEMENTS = new Set(['Ouders']);

function elementChildren(el: Element): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

function toData(el: Element): unknown {
  const kids = elementChildren(el);
  if (LIST_ELEMENTS.has(el.localName ?? '')) return kids.map(toData);
  if (kids.length === 0) return (el.textContent ?? '').trim();
  const out: Record<string, unknown> = {};
  for (const kid of kids) {
    const name = kid.localName ?? '';
    const key = `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
    const value = toData(kid);
    const previous = out[key];
    out[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return out;
}

/**
 * An unsigned national XML message (a Melding with plain BSNs, or a Matchsignaal) as the JSON
 * shape of @vir/contracts: element names with a lower-case first letter, Kop's fields on top.
 */
export function readUnsignedXml(xml: string): { type: 'Melding' | 'Matchsignaal'; message: Record<string, unknown> } {
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(xml)) throw new CliError('XML_DOCTYPE_FORBIDDEN: DOCTYPE and entities are not allowed');
  let root: Element;
  try {
    const doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
    root = doc.documentElement as Element;
  } catch (error) {
    throw new CliError(`XML_MALFORMED: ${(error as Error).message.split('\n')[0]}`);
  }
  const type = messageTypeOf(root);
  if (type !== 'Melding' && type !== 'Matchsignaal') {
    throw new CliError(
      `XML input must be an unsigned <Melding> or <Matchsignaal> in ${VIR_NS}; give other messages as JSON`,
    );
  }
  if (root.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature').length > 0) {
    throw new CliError('the message is signed already (check it with: vir verify)');
  }
  const { kop, ...rest } = toData(root) as Record<string, unknown>;
  const message = { ...(typeof kop === 'object' && kop !== null ? kop : {}), ...rest };
  if (type === 'Melding' && !('ouders' in message)) message.ouders = [];
  return { type, message };
}
