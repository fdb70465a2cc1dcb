// The raw signed XML as operators may see it (pure). Our BSNs travel encrypted, but whatever a
// party put in its XML, nothing that looks like a BSN is shown: every run of exactly nine digits
// (not part of a longer number: OINs, dates and times stay readable) is masked, and the content of
// every CipherValue (EncryptedData and EncryptedKey) is left out, never decoded.

export interface MaskedXml {
  /** One element per line, for reading; not the signed bytes. */
  text: string;
  maskedBsns: number;
  encryptedValues: number;
}

const CIPHER_VALUE = /(<(?:[A-Za-z_][\w.-]*:)?CipherValue(?:\s[^>]*)?>)([^<]*)(<\/(?:[A-Za-z_][\w.-]*:)?CipherValue\s*>)/g;
const NINE_DIGITS = /(?<!\d)\d{9}(?!\d)/g;
export const BSN_MASK = '*********';

export function maskXml(xml: string): MaskedXml {
  let encryptedValues = 0;
  let maskedBsns = 0;
  const withoutCiphers = xml.replace(CIPHER_VALUE, (_m, open: string, value: string, close: string) => {
    encryptedValues++;
    return `${open}[encrypted, ${value.trim().length} characters, not shown]${close}`;
  });
  const masked = withoutCiphers.replace(NINE_DIGITS, () => {
    maskedBsns++;
    return BSN_MASK;
  });
  return { text: masked.replace(/>\s*</g, '>\n<'), maskedBsns, encryptedValues };
}
