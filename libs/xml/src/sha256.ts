import * as crypto from 'node:crypto';

// crypto.hash (Node ≥ 20.12) hashes in one call, measurably cheaper than createHash().update().digest()
// for the few kilobytes of a canonical document; older Node versions take the long way.
const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: string | Buffer, encoding: 'buffer') => Buffer }).hash;

/** SHA-256 of a string (as UTF-8) or bytes. */
export function sha256(data: string | Buffer): Buffer {
  return oneShot ? oneShot('sha256', data, 'buffer') : crypto.createHash('sha256').update(data).digest();
}
