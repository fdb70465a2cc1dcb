export { VIR_NS, DEFAULT_MAX_BYTES } from './xml-constants';
export { XmlMessageError, XML_ERROR_CODES } from './xml-errors';
export type { XmlErrorCode } from './xml-errors';
export type { Signer } from './xml-signer';
export type { OpenOptions } from './xml-verifier';
export { sealMelding, verifyMelding, openMelding } from './melding-codec';
export type { SealOptions, Opened, VerifiedMelding } from './melding-codec';
export { signMatchsignaal, openMatchsignaal } from './matchsignaal-codec';
