import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PARTIES, DEV_INDEX_ENCRYPTION, devPkiSpecs } from '@vir/devstack';
import {
  certFile,
  createDevPki,
  currentCrl,
  ISSUING_CA,
  keyFile,
  listPartyCertificates,
  loadCaBundle,
  loadCredentials,
  oinOfCertificate,
  ROOT_CA,
  TrustStore,
  type Credentials,
  type DevPartySpec,
} from '@vir/pki';
import { ROOT_DIR } from '../cli-paths';
import { CliError, resolvePath, type CliIo } from './cli-io';

// The PKI directory the CLI works on (certs/dev unless --pki-dir or VIR_PKI_DIR say otherwise),
// generated on first use, and the parties in it.

/** What `npm start` generates too (libs/devstack ensureDevPki): the index and the demo parties. */
export const DEV_PKI_PARTIES: DevPartySpec[] = devPkiSpecs();

export function pkiDirOf(io: CliIo, option: string | undefined): string {
  const dir = option ?? io.env.VIR_PKI_DIR;
  return dir ? resolvePath(io, dir) : join(ROOT_DIR, 'certs', 'dev');
}

/** The PKI directory, with a development PKI generated into it when it has no CA yet. */
export async function openPki(io: CliIo, option: string | undefined): Promise<string> {
  const dir = pkiDirOf(io, option);
  if (!existsSync(certFile(dir, ROOT_CA)) || !existsSync(certFile(dir, ISSUING_CA))) {
    io.err(`vir: no PKI in ${dir}; generating the development PKI (CAs, ${DEV_PKI_PARTIES.map((p) => p.name).join(', ')})\n`);
    await createDevPki(dir, DEV_PKI_PARTIES);
  }
  return dir;
}

export interface Party {
  /** File stem: `rvdk`, or `rvdk.next` for a rollover certificate. */
  stem: string;
  name: string;
  credentials: Credentials;
  /** Known for the demo parties; others pass --convenant. */
  convenant?: string;
}

/** A party by file stem (`regio-nhn`, `rvdk.next`) or by OIN (its current certificate). */
export function resolveParty(dir: string, ref: string): Party {
  const files = listPartyCertificates(dir);
  const file = /^\d{20}$/.test(ref)
    ? files
        .filter((f) => oinOfCertificate(f.certificatePem) === ref)
        .sort((a, b) => Number(a.rollover) - Number(b.rollover))[0]
    : files.find((f) => f.stem === ref);
  if (!file) throw new CliError(`unknown party '${ref}' (in ${dir}: ${files.map((f) => f.stem).join(', ') || 'none'})`);
  if (!existsSync(keyFile(dir, file.stem))) throw new CliError(`no private key for '${file.stem}' in ${dir}`, 1);
  const credentials = loadCredentials(dir, file.stem);
  const demo = DEMO_PARTIES.find((p) => p.name === file.name && p.oin === credentials.oin);
  return { stem: file.stem, name: file.name, credentials, ...(demo ? { convenant: demo.convenant } : {}) };
}

/** The national index's certificate, which BSNs are encrypted for. */
export function indexCertificate(io: CliIo, dir: string, option: string | undefined): string {
  const path = option ? resolvePath(io, option) : certFile(dir, DEV_INDEX_ENCRYPTION.name);
  if (!existsSync(path)) throw new CliError(`no index certificate at ${path} (pass --index-cert)`);
  return readFileSync(path, 'utf8');
}

/** Trust as the services have it: our root and issuing CA, and the issuing CA's current CRL. */
export async function trustStoreOf(dir: string, now: Date): Promise<TrustStore> {
  const [root, issuing] = loadCaBundle(dir);
  return new TrustStore({ roots: [root], intermediates: [issuing], crls: [await currentCrl(dir, { now })] });
}

export function subjectLine(cert: X509Certificate): string {
  return cert.subject.split('\n').join(', ');
}

export function commonNameOf(cert: X509Certificate): string | undefined {
  return cert.subject
    .split('\n')
    .find((part) => part.startsWith('CN='))
    ?.slice(3);
}
