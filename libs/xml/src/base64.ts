// Strict base64 decoding without a regular expression over the text: node's decoder is lenient
// (it skips or stops at what is not base64, and also takes the URL-safe alphabet), so the check is
// that it decoded exactly as many bytes as a strictly valid text of that length and padding must
// give. base64.spec.ts holds this against the pattern it replaces.

const EQUALS = 0x3d;

/**
 * The bytes of `text` when it is strict base64 (`^[A-Za-z0-9+/]+={0,2}$`, a multiple of 4 long),
 * else undefined.
 */
export function strictBase64(text: string): Buffer | undefined {
  const n = text.length;
  if (n === 0 || n % 4 !== 0 || text.indexOf('-') >= 0 || text.indexOf('_') >= 0) return undefined;
  const padding = text.charCodeAt(n - 1) === EQUALS ? (text.charCodeAt(n - 2) === EQUALS ? 2 : 1) : 0;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === (n / 4) * 3 - padding ? bytes : undefined;
}

/** As strictBase64, after removing the whitespace XML Signature allows in base64 content. */
export function base64Content(text: string): Buffer | undefined {
  return strictBase64(text) ?? strictBase64(text.replace(/[ \t\n\r]+/g, ''));
}
