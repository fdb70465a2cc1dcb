import type { KeyObject } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { ALGORITHMS } from './xml-constants';

/** Who signs: a party's OIN, private key and (leaf) certificate. @vir/pki's Credentials fit. */
export interface Signer {
  oin: string;
  privateKey: KeyObject;
  certificatePem: string;
}

/**
 * Enveloped XMLDSig over the whole document (Reference URI=""), exclusive c14n, RSA-SHA256,
 * SHA-256 digest, the signer's certificate in KeyInfo, the signature as last child of the root.
 */
export function signDocument(xml: string, signer: Signer): string {
  const sig = new SignedXml({
    privateKey: signer.privateKey,
    publicCert: signer.certificatePem,
    signatureAlgorithm: ALGORITHMS.rsaSha256,
    canonicalizationAlgorithm: ALGORITHMS.excC14n,
  });
  sig.addReference({
    xpath: '/*',
    isEmptyUri: true, // URI="" and no Id attribute added to the root
    transforms: [ALGORITHMS.envelopedSignature, ALGORITHMS.excC14n],
    digestAlgorithm: ALGORITHMS.sha256,
  });
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: '/*', action: 'append' } });
  return sig.getSignedXml();
}
