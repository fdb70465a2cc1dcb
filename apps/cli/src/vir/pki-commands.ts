import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  certFile,
  crlFile,
  currentCrl,
  DEV_PARTY_VALIDITY_DAYS,
  expiringCertificates,
  issuePartyCertificate,
  ISSUING_CA,
  listPartyCertificates,
  loadCaBundle,
  normalizeSerial,
  oinOfCertificate,
  promoteRollover,
  readCertificateFields,
  readCrl,
  REVOCATION_REASONS,
  revokeCertificate,
  ROOT_CA,
  splitCrls,
  type RevocationReason,
} from '@vir/pki';
import { CliError, type CliIo } from './cli-io';
import { commonNameOf, openPki, trustStoreOf } from './pki-workspace';

// `vir pki …`: the development CA's operations. Results go to stdout; key material never does.

export interface PkiIssueArgs {
  name: string;
  oin?: string;
  cn?: string;
  rollover?: boolean;
  keyEncipherment?: boolean;
  days?: string;
}

const OIN = /^\d{20}$/;
const day = (d: Date) => d.toISOString().slice(0, 10);

function serialOf(pem: string): string {
  return normalizeSerial(new X509Certificate(pem).serialNumber);
}

/** Which party file holds a serial, for readable output. */
function stemsBySerial(dir: string): Map<string, string> {
  return new Map(listPartyCertificates(dir).map((f) => [serialOf(f.certificatePem), f.stem]));
}

function wholeNumber(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new CliError(`${option} must be a whole number`);
  return Number(value);
}

export async function pkiIssue(io: CliIo, pkiDir: string | undefined, a: PkiIssueArgs): Promise<number> {
  const dir = await openPki(io, pkiDir);
  // Re-issue and rollover keep the identity in the current certificate unless told otherwise.
  const existing = existsSync(certFile(dir, a.name)) ? new X509Certificate(readFileSync(certFile(dir, a.name))) : undefined;
  const oin = a.oin ?? (existing && oinOfCertificate(existing.toString()));
  const commonName = a.cn ?? (existing && commonNameOf(existing));
  if (!oin || !commonName) throw new CliError(`pki issue: '${a.name}' is a new party: --oin and --cn are required`);
  if (!OIN.test(oin)) throw new CliError('pki issue: --oin must be 20 digits');
  const keyEncipherment = a.keyEncipherment || (existing ? readCertificateFields(existing.raw).keyUsage?.keyEncipherment === true : false);
  const issued = await issuePartyCertificate(
    dir,
    { name: a.name, oin, commonName, keyEncipherment },
    { rollover: a.rollover === true, validityDays: wholeNumber(a.days, '--days', DEV_PARTY_VALIDITY_DAYS), now: io.now() },
  );
  io.out(
    [
      `issued ${issued.stem}: ${commonName}, OIN ${issued.oin}, serial ${issued.serialNumber}`,
      `  valid        ${issued.notBefore.toISOString()} to ${issued.notAfter.toISOString()}`,
      `  key usage    digitalSignature${keyEncipherment ? ', keyEncipherment' : ''}`,
      `  certificate  ${issued.certFile}`,
      `  private key  ${issued.keyFile} (mode 600; never commit or send it)`,
      ...(a.rollover
        ? [`rollover: both certificates of ${a.name} are valid now; end it with: vir pki promote ${a.name}`]
        : []),
      ...(issued.replacedSerialNumber
        ? [`replaced serial ${issued.replacedSerialNumber}, which stays valid until revoked: vir pki revoke ${issued.replacedSerialNumber}`]
        : []),
      '',
    ].join('\n'),
  );
  return 0;
}

export function parseReason(value: string | undefined): RevocationReason {
  const reason = value ?? 'unspecified';
  if (!(REVOCATION_REASONS as readonly string[]).includes(reason)) {
    throw new CliError(`--reason must be one of: ${REVOCATION_REASONS.join(', ')}`);
  }
  return reason as RevocationReason;
}

export async function pkiRevoke(io: CliIo, pkiDir: string | undefined, ref: string, reasonOption?: string): Promise<number> {
  const reason = parseReason(reasonOption);
  const dir = await openPki(io, pkiDir);
  const file = listPartyCertificates(dir).find((f) => f.stem === ref);
  let target: string;
  if (file) target = file.certificatePem;
  else {
    try {
      target = normalizeSerial(ref);
    } catch {
      throw new CliError(`pki revoke: '${ref}' is neither a party in ${dir} nor a serial number`);
    }
  }
  const outcome = await revokeCertificate(dir, target, reason, { now: io.now() });
  const who = file?.stem ?? stemsBySerial(dir).get(outcome.serialNumber) ?? 'a certificate not in this directory';
  io.out(
    outcome.alreadyRevoked
      ? `serial ${outcome.serialNumber} (${who}) was revoked already at ${outcome.revocationDate.toISOString()} (${outcome.reason}); CRL #${outcome.crlNumber} unchanged\n`
      : `revoked serial ${outcome.serialNumber} (${who}) at ${outcome.revocationDate.toISOString()}, reason ${outcome.reason}\n` +
          `published CRL #${outcome.crlNumber}: ${crlFile(dir)}\n`,
  );
  return 0;
}

export async function pkiPromote(io: CliIo, pkiDir: string | undefined, name: string, keepOld: boolean): Promise<number> {
  const dir = await openPki(io, pkiDir);
  const promoted = await promoteRollover(dir, name);
  io.out(`${name}: the rollover certificate (serial ${promoted.serialNumber}) is now ${certFile(dir, name)}\n`);
  if (promoted.previousSerialNumber && !keepOld) {
    const outcome = await revokeCertificate(dir, promoted.previousSerialNumber, 'superseded', { now: io.now() });
    io.out(`revoked the previous certificate, serial ${outcome.serialNumber} (superseded); CRL #${outcome.crlNumber}\n`);
  } else if (promoted.previousSerialNumber) {
    io.out(`the previous certificate, serial ${promoted.previousSerialNumber}, stays valid until revoked or expired\n`);
  }
  return 0;
}

export async function pkiCrl(io: CliIo, pkiDir: string | undefined, text: boolean): Promise<number> {
  const dir = await openPki(io, pkiDir);
  const pem = await currentCrl(dir, { now: io.now() });
  if (!text) {
    io.out(pem);
    return 0;
  }
  const crl = readCrl(splitCrls(pem)[0]);
  const stems = stemsBySerial(dir);
  io.out(
    [
      `CRL #${crl.crlNumber} of ${crl.issuer}`,
      `  this update  ${crl.thisUpdate.toISOString()}`,
      `  next update  ${crl.nextUpdate?.toISOString() ?? '(none)'}`,
      `  revoked      ${crl.entries.length}`,
      ...crl.entries.map(
        (e) =>
          `    ${e.serialNumber.padEnd(34)} ${e.revocationDate.toISOString()}  ${(e.reason ?? 'unspecified').padEnd(20)} ${stems.get(e.serialNumber) ?? ''}`.trimEnd(),
      ),
      '',
    ].join('\n'),
  );
  return 0;
}

export async function pkiRoot(io: CliIo, pkiDir: string | undefined): Promise<number> {
  const dir = await openPki(io, pkiDir);
  io.out(loadCaBundle(dir).map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join(''));
  return 0;
}

export async function pkiExpiring(io: CliIo, pkiDir: string | undefined, daysOption: string | undefined): Promise<number> {
  const days = wholeNumber(daysOption, '--days', 60);
  const dir = await openPki(io, pkiDir);
  const now = io.now();
  const certs = [
    ...[ROOT_CA, ISSUING_CA].map((party) => ({ party, pem: readFileSync(certFile(dir, party), 'utf8') })),
    ...listPartyCertificates(dir).map((f) => ({ party: f.stem, pem: f.certificatePem })),
  ];
  const revoked = new Set(readCrl(splitCrls(await currentCrl(dir, { now }))[0]).entries.map((e) => e.serialNumber));
  const list = expiringCertificates(certs, now, days);
  if (list.length === 0) {
    io.out(`no certificate expires within ${days} days of ${day(now)}\n`);
    return 0;
  }
  io.out(
    [
      `${'party'.padEnd(22)} ${'OIN'.padEnd(20)} ${'serial'.padEnd(34)} ${'not after'.padEnd(24)} days left`,
      ...list.map(
        (e) =>
          `${e.party.padEnd(22)} ${(e.oin ?? '-').padEnd(20)} ${e.serialNumber.padEnd(34)} ${e.notAfter.toISOString().padEnd(24)} ${String(e.daysLeft).padStart(9)}` +
          `${e.expired ? '  EXPIRED' : ''}${revoked.has(e.serialNumber) ? '  (revoked)' : ''}`,
      ),
      '',
    ].join('\n'),
  );
  return 0;
}

export async function pkiList(io: CliIo, pkiDir: string | undefined): Promise<number> {
  const dir = await openPki(io, pkiDir);
  const now = io.now();
  const store = await trustStoreOf(dir, now);
  io.out(
    [
      `${'party'.padEnd(22)} ${'OIN'.padEnd(20)} ${'serial'.padEnd(34)} ${'not after'.padEnd(10)} status`,
      ...listPartyCertificates(dir).map((f) => {
        const result = store.check(f.certificatePem, now);
        const cert = new X509Certificate(f.certificatePem);
        return `${f.stem.padEnd(22)} ${(oinOfCertificate(f.certificatePem) ?? '-').padEnd(20)} ${serialOf(f.certificatePem).padEnd(34)} ${day(new Date(cert.validTo))} ${result.trusted ? 'trusted' : result.code}`;
      }),
      '',
    ].join('\n'),
  );
  return 0;
}
