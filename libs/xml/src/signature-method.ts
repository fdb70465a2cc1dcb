import type { KeyObject } from 'node:crypto';
import { ALGORITHMS } from './xml-constants';

// The two signature methods we sign and accept, each tied to one kind of key: rsa-sha256
// (RSASSA-PKCS1-v1_5) for an RSA key, ecdsa-sha256 for an EC P-256 key. XMLDSig writes an ECDSA
// signature as r ‖ s (each the size of the curve order, RFC 4050 / XMLDSig 1.1 §6.4.3), which is
// node's dsaEncoding 'ieee-p1363', not the DER that crypto.sign produces by default.

export type SignatureKeyKind = 'rsa' | 'ec-p256';

export interface SignatureMethod {
  kind: SignatureKeyKind;
  /** The SignatureMethod Algorithm URI. */
  uri: string;
  /** For ECDSA: the XMLDSig form of the value, and its exact length in bytes. */
  dsaEncoding?: 'ieee-p1363';
  valueBytes?: number;
}

export const RSA_SHA256: SignatureMethod = { kind: 'rsa', uri: ALGORITHMS.rsaSha256 };
export const ECDSA_P256_SHA256: SignatureMethod = { kind: 'ec-p256', uri: ALGORITHMS.ecdsaSha256, dsaEncoding: 'ieee-p1363', valueBytes: 64 };

/** The SignatureMethod an Algorithm URI names, if it is one we accept. */
export function signatureMethodByUri(uri: string | undefined): SignatureMethod | undefined {
  return uri === RSA_SHA256.uri ? RSA_SHA256 : uri === ECDSA_P256_SHA256.uri ? ECDSA_P256_SHA256 : undefined;
}

// Node computes asymmetricKeyDetails afresh on every access; keys are few and long-lived.
const methods = new WeakMap<KeyObject, SignatureMethod | null>();

/** The one SignatureMethod that fits a (private or public) key, or undefined for any other key. */
export function signatureMethodFor(key: KeyObject): SignatureMethod | undefined {
  let method = methods.get(key);
  if (method === undefined) {
    const type = key.asymmetricKeyType;
    method = type === 'rsa' ? RSA_SHA256 : type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? ECDSA_P256_SHA256 : null;
    methods.set(key, method);
  }
  return method ?? undefined;
}
