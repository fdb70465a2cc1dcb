import { createPrivateKey, KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as forge from 'node-forge';

// File layout of a development PKI directory (certs/dev) and the primitives every writer shares:
// atomic writes and one lock per directory, so several processes may issue, revoke and publish.

export const ROOT_CA = 'root-ca';
export const ISSUING_CA = 'issuing-ca';
/** File stem suffix of a party's rollover certificate: `<name>.next.cert.pem`. */
export const NEXT_SUFFIX = '.next';

export const certFile = (dir: string, name: string): string => join(dir, `${name}.cert.pem`);
export const keyFile = (dir: string, name: string): string => join(dir, `${name}.key.pem`);
/** The issuing CA's CRL, as it would be published at DEV_PKI_CRL_URL. */
export const crlFile = (dir: string): string => join(dir, `${ISSUING_CA}.crl.pem`);
/** The CA's own record of what it revoked and the last CRL number (the CRL is derived from it). */
export const crlStateFile = (dir: string): string => join(dir, `${ISSUING_CA}.crl-state.json`);

const LOCK_STALE_MS = 30_000;
const LOCK_TIMEOUT_MS = 20_000;

export interface Issuer {
  key: KeyObject;
  cert: forge.pki.Certificate;
  x509: X509Certificate;
}

export async function exists(path: string): Promise<boolean> {
  return fs.access(path).then(
    () => true,
    () => false,
  );
}

export async function loadIssuer(dir: string, name: string): Promise<Issuer | undefined> {
  if (!(await exists(certFile(dir, name))) || !(await exists(keyFile(dir, name)))) return undefined;
  const [certPem, keyPem] = await Promise.all([
    fs.readFile(certFile(dir, name), 'utf8'),
    fs.readFile(keyFile(dir, name), 'utf8'),
  ]);
  return { key: createPrivateKey(keyPem), cert: forge.pki.certificateFromPem(certPem), x509: new X509Certificate(certPem) };
}

/** The issuing CA, or an error that says what to do. */
export async function requireIssuingCa(dir: string): Promise<Issuer> {
  const issuer = await loadIssuer(dir, ISSUING_CA);
  if (!issuer) throw new Error(`no development CA in ${dir}: create it with createDevPki first`);
  return issuer;
}

export async function writeAtomically(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, data, { mode });
  await fs.chmod(tmp, mode); // writeFile's mode is subject to the umask
  await fs.rename(tmp, path);
}

/** Runs `work` holding the directory's lock file (not re-entrant). */
export async function withLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.dev-pki.lock');
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stat = await fs.stat(lock).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > LOCK_STALE_MS) {
        await fs.rm(lock, { force: true }); // left behind by a crashed process
        continue;
      }
      if (Date.now() > deadline) throw new Error(`dev PKI: timed out waiting for ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { force: true });
  }
}
