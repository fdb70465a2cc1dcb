import { randomUUID, X509Certificate } from 'node:crypto';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { toMeldingBericht, type MatchsignaalBericht, type MatchsignalenBericht, type MeldingBericht } from '@vir/contracts';
import { oinOfCertificate, readCertificateFields, readCrl, splitCrls, currentCrl, type TrustResult } from '@vir/pki';
import {
  openFoutbericht,
  openIntrekking,
  openMatchsignaal,
  openMatchsignalen,
  openOntvangstbevestiging,
  openPing,
  openVerwijdering,
  sealMelding,
  signFoutbericht,
  signIntrekking,
  signMatchsignaal,
  signMatchsignalen,
  signOntvangstbevestiging,
  signPing,
  signVerwijdering,
  verifyMelding,
  XmlMessageError,
  type OpenOptions,
  type Signer,
} from '@vir/xml';
import { CliError, type CliIo } from './cli-io';
import {
  checkMeldingRules,
  jsonKind,
  MESSAGE_TYPES,
  messageTypeOf,
  parseJson,
  readUnsignedXml,
  validateRegionaleMelding,
  type MessageType,
} from './message-input';
import { indexCertificate, openPki, resolveParty, subjectLine, trustStoreOf, type Party } from './pki-workspace';

// `vir render`, `vir sign`, `vir verify`: national XML through the exported API of @vir/xml only.

const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

export interface MessageArgs {
  input: string;
  party: string;
  convenant?: string;
  out?: string;
  indexCert?: string;
  type?: string;
}

type SignFn = (message: Record<string, unknown>, signer: Signer, indexCertificatePem: () => string) => string;

// Casts are safe: every sign function checks every field before it builds anything.
const SIGNERS: Record<MessageType, SignFn> = {
  Melding: (m, signer, index) => sealMelding(m as unknown as MeldingBericht, { signer, recipientCertificatePem: index() }),
  Matchsignaal: (m, signer) => signMatchsignaal(m as unknown as MatchsignaalBericht, signer),
  Matchsignalen: (m, signer) => signMatchsignalen(m as unknown as MatchsignalenBericht, signer),
  Intrekking: (m, signer) => signIntrekking(m as unknown as Parameters<typeof signIntrekking>[0], signer),
  Verwijdering: (m, signer) => signVerwijdering(m as unknown as Parameters<typeof signVerwijdering>[0], signer),
  Ontvangstbevestiging: (m, signer) => signOntvangstbevestiging(m as unknown as Parameters<typeof signOntvangstbevestiging>[0], signer),
  Foutbericht: (m, signer) => signFoutbericht(m as unknown as Parameters<typeof signFoutbericht>[0], signer),
  Ping: (m, signer) => signPing(m as unknown as Parameters<typeof signPing>[0], signer),
};

type OpenFn = (xml: string, o: OpenOptions) => { message: { berichtId: string }; signerOin: string };
const OPENERS: Record<MessageType, OpenFn> = {
  Melding: verifyMelding, // without the index's key: BSNs stay encrypted
  Matchsignaal: openMatchsignaal,
  Matchsignalen: openMatchsignalen,
  Intrekking: openIntrekking,
  Verwijdering: openVerwijdering,
  Ontvangstbevestiging: openOntvangstbevestiging,
  Foutbericht: openFoutbericht,
  Ping: openPing,
};

async function readInput(io: CliIo, path: string): Promise<string> {
  try {
    return await io.read(path);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `CODE: message`, once (certificate refusals carry the code in their message already). */
function coded(error: XmlMessageError): string {
  return error.message.startsWith(`${error.detailCode}:`) ? error.message : `${error.detailCode}: ${error.message}`;
}

function xmlProblem(error: unknown): never {
  if (error instanceof XmlMessageError) throw new CliError(coded(error));
  throw error;
}

async function emit(io: CliIo, out: string | undefined, xml: string, what: string): Promise<void> {
  const text = xml.endsWith('\n') ? xml : `${xml}\n`;
  if (out) {
    await io.write(out, text);
    io.err(`vir: wrote ${what} to ${out}\n`);
  } else io.out(text);
}

function signedBy(party: Party): string {
  return `${party.stem} (OIN ${party.credentials.oin}, serial ${new X509Certificate(party.credentials.certificatePem).serialNumber})`;
}

/** A tenant's JSON melding as the gateway turns it into national XML: validate, translate, seal. */
async function sealRegional(io: CliIo, dir: string, body: Record<string, unknown>, a: MessageArgs, party: Party): Promise<string> {
  const dto = validateRegionaleMelding(body);
  const convenant = a.convenant ?? party.convenant;
  if (!convenant) throw new CliError(`'${party.stem}' is not a demo party: pass --convenant <code>`);
  const now = io.now();
  const melding = toMeldingBericht(dto, { oin: party.credentials.oin, convenant }, now);
  checkMeldingRules(melding, now.toISOString().slice(0, 10));
  try {
    return sealMelding(melding, { signer: party.credentials, recipientCertificatePem: indexCertificate(io, dir, a.indexCert) });
  } catch (error) {
    return xmlProblem(error);
  }
}

/**
 * `vir render`: a tenant's JSON melding (RegionaleMeldingDto) → the national XML the gateway
 * would send for that tenant: validated with the gateway's rules, BSNs encrypted for the index,
 * signed with the tenant's (dev) key. The output verifies with `vir verify`.
 */
export async function render(io: CliIo, pkiDir: string | undefined, a: MessageArgs): Promise<number> {
  const body = parseJson(await readInput(io, a.input));
  if (jsonKind(body) !== 'RegionaleMelding') {
    throw new CliError('render takes a tenant\'s JSON melding (RegionaleMeldingDto); for national messages use: vir sign');
  }
  // Validate before anything touches the PKI: a bad melding is the caller's problem (exit 2).
  validateRegionaleMelding(body);
  const dir = await openPki(io, pkiDir);
  const party = resolveParty(dir, a.party);
  const xml = await sealRegional(io, dir, body, a, party);
  await emit(io, a.out, xml, `Melding ${String(body.berichtId)} signed by ${signedBy(party)}`);
  return 0;
}

/**
 * `vir sign`: signed national XML for a party. Takes a tenant JSON melding (as render), a national
 * message as JSON (type recognised by its fields, or --type; berichtId, afzenderOin and verzonden
 * are filled in when absent), or an unsigned <Melding>/<Matchsignaal> XML draft with plain BSNs.
 * Signs what it is given: the index's business rules are not applied (render applies them).
 */
export async function sign(io: CliIo, pkiDir: string | undefined, a: MessageArgs): Promise<number> {
  const text = await readInput(io, a.input);
  const isXml = /\.xml$/i.test(a.input) || text.trimStart().startsWith('<');
  let type: MessageType | 'RegionaleMelding';
  let message: Record<string, unknown>;
  if (isXml) ({ type, message } = readUnsignedXml(text));
  else {
    message = parseJson(text);
    if (a.type !== undefined && !(MESSAGE_TYPES as readonly string[]).includes(a.type)) {
      throw new CliError(`--type must be one of: ${MESSAGE_TYPES.join(', ')}`);
    }
    type = (a.type as MessageType | undefined) ?? jsonKind(message);
  }
  if (type === 'RegionaleMelding') validateRegionaleMelding(message);
  const dir = await openPki(io, pkiDir);
  const party = resolveParty(dir, a.party);
  let xml: string;
  if (type === 'RegionaleMelding') xml = await sealRegional(io, dir, message, a, party);
  else {
    const filled: Record<string, unknown> = {
      berichtId: randomUUID(),
      afzenderOin: party.credentials.oin,
      verzonden: io.now().toISOString(),
      ...message,
    };
    try {
      xml = SIGNERS[type](filled, party.credentials, () => indexCertificate(io, dir, a.indexCert));
    } catch (error) {
      return xmlProblem(error);
    }
    message = filled;
  }
  const kind = type === 'RegionaleMelding' ? 'Melding' : type;
  await emit(io, a.out, xml, `${kind} ${String(message.berichtId)} signed by ${signedBy(party)}`);
  return 0;
}

export interface VerifyArgs {
  input: string;
  at?: string;
  party?: string;
}

interface Claimed {
  type?: MessageType;
  rootName?: string;
  berichtId?: string;
  afzenderOin?: string;
  certificatePem?: string;
}

/** What the document says about itself, read without trusting it: for the report only. */
function readClaims(xml: string): Claimed {
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(xml)) return {};
  let root: Element;
  try {
    root = new DOMParser({ onError: () => undefined }).parseFromString(xml, 'text/xml').documentElement as Element;
  } catch {
    return {};
  }
  if (!root) return {};
  const first = (parent: Element, ns: string | null, name: string) => parent.getElementsByTagNameNS(ns, name).item(0) ?? undefined;
  const kop = first(root, root.namespaceURI, 'Kop');
  const certs = root.getElementsByTagNameNS(DS_NS, 'X509Certificate');
  const base64 = certs.length === 1 ? (certs.item(0)!.textContent ?? '').replace(/\s+/g, '') : '';
  return {
    type: messageTypeOf(root),
    rootName: root.localName ?? undefined,
    berichtId: kop && first(kop, root.namespaceURI, 'BerichtId')?.textContent?.trim(),
    afzenderOin: kop && first(kop, root.namespaceURI, 'AfzenderOin')?.textContent?.trim(),
    ...(/^[A-Za-z0-9+/]+={0,2}$/.test(base64)
      ? { certificatePem: `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n` }
      : {}),
  };
}

type Line = ['ok' | 'FAIL' | 'WARN' | '--', string, string];

/**
 * `vir verify`: who signed a national message and whether we trust it, check by check. The
 * verdict is @vir/xml's (exactly what the gateway and index decide); the lines explain it.
 * Exit status 0 only when the message is trusted (and, with --party, sent by that party).
 */
export async function verify(io: CliIo, pkiDir: string | undefined, a: VerifyArgs): Promise<number> {
  const xml = await readInput(io, a.input);
  const now = io.now();
  const at = a.at === undefined ? now : new Date(a.at);
  if (Number.isNaN(at.getTime())) throw new CliError('--at must be an ISO-8601 date/time');
  const dir = await openPki(io, pkiDir);
  const expectedOin = a.party === undefined ? undefined : /^\d{20}$/.test(a.party) ? a.party : resolveParty(dir, a.party).credentials.oin;
  const store = await trustStoreOf(dir, now);
  const crl = readCrl(splitCrls(await currentCrl(dir, { now }))[0]);
  const claims = readClaims(xml);

  let failure: XmlMessageError | undefined;
  let opened: { message: { berichtId: string }; signerOin: string } | undefined;
  if (!claims.type) {
    failure = new XmlMessageError('XML_SCHEMA_VIOLATION', `not a national message of a type vir knows (${MESSAGE_TYPES.join(', ')})`);
  } else {
    try {
      opened = OPENERS[claims.type](xml, { trustStore: store, at });
    } catch (error) {
      if (!(error instanceof XmlMessageError)) throw error;
      failure = error;
    }
  }

  const out: string[] = [];
  out.push(`${claims.rootName ?? 'document'} ${claims.berichtId ?? '(no BerichtId)'}, AfzenderOin ${claims.afzenderOin ?? '(none)'}`);
  const lines: Line[] = [];
  if (!claims.certificatePem) {
    out.push('Signer certificate: none found in ds:KeyInfo/ds:X509Data');
  } else {
    let cert: X509Certificate | undefined;
    try {
      cert = new X509Certificate(claims.certificatePem);
    } catch {
      out.push('Signer certificate: not a valid X.509 certificate');
    }
    if (cert) {
      const oin = oinOfCertificate(claims.certificatePem);
      out.push(
        'Signer certificate',
        `  subject     ${subjectLine(cert)}`,
        `  OIN         ${oin ?? '(none)'}`,
        `  serial      ${cert.serialNumber}`,
        `  valid       ${new Date(cert.validFrom).toISOString()} to ${new Date(cert.validTo).toISOString()}`,
        `  issuer      ${cert.issuer.split('\n').join(', ')}`,
        `  SHA-256     ${cert.fingerprint256}`,
      );
      lines.push(...certificateLines(cert, store.check(claims.certificatePem, at), crl, at));
      lines.push(oin ? ['ok', 'OIN', `${oin} in the subject serialNumber`] : ['FAIL', 'OIN', 'no 20-digit OIN in the subject serialNumber']);
    }
  }
  lines.push(signatureLine(failure));
  const signerOin = claims.certificatePem ? oinOfCertificate(claims.certificatePem) : undefined;
  if (claims.afzenderOin && signerOin) {
    lines.push(
      claims.afzenderOin === signerOin
        ? ['ok', 'sender', 'AfzenderOin = the OIN in the certificate']
        : ['FAIL', 'sender', `AfzenderOin ${claims.afzenderOin} is not the certificate's OIN ${signerOin}`],
    );
  }
  let partyOk = true;
  if (expectedOin) {
    partyOk = signerOin === expectedOin;
    lines.push(partyOk ? ['ok', 'party', `signed by ${a.party}`] : ['FAIL', 'party', `not signed by ${a.party} (OIN ${expectedOin})`]);
  }
  out.push(`Checks at ${at.toISOString()}`, ...lines.map(([status, what, why]) => `  ${status.padEnd(5)} ${what.padEnd(11)} ${why}`));

  const trusted = opened !== undefined && partyOk;
  if (opened && trusted) out.push(`TRUSTED: ${claims.rootName} ${opened.message.berichtId} from OIN ${opened.signerOin}`);
  else if (failure) out.push(`NOT TRUSTED: ${coded(failure)}`);
  else out.push(`NOT TRUSTED: not signed by ${a.party}`);
  io.out(`${out.join('\n')}\n`);
  return trusted ? 0 : 1;
}

const CRL_CODES = new Set(['CERT_REVOKED', 'CERT_CRL_STALE']);

/** Chain, validity, revocation and key usage, each with the trust store's reason when it failed. */
function certificateLines(cert: X509Certificate, result: TrustResult, crl: ReturnType<typeof readCrl>, at: Date): Line[] {
  const code = result.trusted ? undefined : result.code;
  const reason = result.trusted ? '' : result.reason;
  const chainFailed = code === 'CERT_UNKNOWN_CA' || code === 'CERT_MALFORMED';
  const lines: Line[] = [];
  lines.push(chainFailed ? ['FAIL', 'chain', reason] : ['ok', 'chain', `issued by ${cert.issuer.split('\n').join(', ')}, up to our root`]);

  const time = at.getTime();
  const leafValid = time >= Date.parse(cert.validFrom) && time <= Date.parse(cert.validTo);
  if (code === 'CERT_EXPIRED' || code === 'CERT_NOT_YET_VALID') lines.push(['FAIL', 'validity', reason]);
  else lines.push(leafValid ? ['ok', 'validity', 'valid at this moment'] : ['FAIL', 'validity', 'not valid at this moment']);

  const serial = cert.serialNumber.replace(/^0+(?=.)/, '').toUpperCase();
  const crlName = `CRL #${crl.crlNumber} of ${crl.issuer} (next update ${crl.nextUpdate?.toISOString() ?? 'none'})`;
  if (code && CRL_CODES.has(code)) lines.push(['FAIL', 'revocation', reason]);
  else if (result.trusted && !result.revocationChecked) lines.push(['WARN', 'revocation', 'not checked: no CRL of its issuer']);
  else if (chainFailed) lines.push(['--', 'revocation', 'not checked: not one of our certificates']);
  else {
    const entry = crl.entries.find((e) => e.serialNumber === serial);
    lines.push(entry ? ['FAIL', 'revocation', `on ${crlName}, revoked ${entry.revocationDate.toISOString()}`] : ['ok', 'revocation', `not on ${crlName}`]);
  }

  const usage = readCertificateFields(cert.raw).keyUsage;
  if (cert.ca) lines.push(['FAIL', 'key usage', 'a CA certificate may not sign messages']);
  else if (!usage) lines.push(['FAIL', 'key usage', 'no keyUsage extension']);
  else {
    const names = Object.entries(usage).filter(([, on]) => on).map(([name]) => name).join(', ');
    lines.push(usage.digitalSignature ? ['ok', 'key usage', names] : ['FAIL', 'key usage', `${names || 'nothing'}: digitalSignature missing`]);
  }
  return lines;
}

function signatureLine(failure: XmlMessageError | undefined): Line {
  if (!failure || failure.code === 'OIN_MISMATCH') return ['ok', 'signature', 'valid, over the whole message'];
  if (failure.code.startsWith('SIGNATURE_')) return ['FAIL', 'signature', coded(failure)];
  if (failure.code === 'CERT_UNTRUSTED') return ['--', 'signature', 'not checked: the certificate is not trusted'];
  return ['FAIL', 'message', coded(failure)];
}
