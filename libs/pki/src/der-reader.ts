// A tiny DER walker: enough to read the few X.509/CRL fields node:crypto does not expose, and
// the exact signed bytes of a CRL (re-encoding them could change what the signature covers).
// Internal to @vir/pki.

export interface Tlv {
  tag: number;
  /** Offset of the tag octet: `der.subarray(offset, end)` is the whole element. */
  offset: number;
  /** Offset of the value (after tag and length). */
  start: number;
  end: number;
}

export function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new RangeError('DER truncated');
  const tag = der[offset];
  if ((tag & 0x1f) === 0x1f) throw new RangeError('DER high tag numbers are not used in X.509');
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4) throw new RangeError('DER length unsupported');
    if (start + octets > limit) throw new RangeError('DER truncated');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[start + i];
    start += octets;
  }
  const end = start + length;
  if (end > limit) throw new RangeError('DER length beyond parent');
  return { tag, offset, start, end };
}

/** The outermost element; refuses trailing bytes. */
export function readRoot(der: Uint8Array): Tlv {
  const root = readTlv(der, 0, der.length);
  if (root.end !== der.length) throw new RangeError('DER has trailing bytes');
  return root;
}

export function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.start; pos < parent.end; ) {
    const child = readTlv(der, pos, parent.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

export function decodeOid(der: Uint8Array, tlv: Tlv): string {
  const arcs: number[] = [];
  let value = 0;
  for (let i = tlv.start; i < tlv.end; i++) {
    value = value * 128 + (der[i] & 0x7f);
    if ((der[i] & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** The element including tag and length, as a Buffer sharing memory with `der`. */
export function whole(der: Uint8Array, tlv: Tlv): Buffer {
  return Buffer.from(der.buffer, der.byteOffset + tlv.offset, tlv.end - tlv.offset);
}

/** An INTEGER's value as unsigned hex, upper case, without leading zeros (how serials are compared). */
export function integerHex(der: Uint8Array, tlv: Tlv): string {
  if (tlv.tag !== 0x02) throw new RangeError('expected an INTEGER');
  return normalizeSerial(Buffer.from(der.subarray(tlv.start, tlv.end)).toString('hex'));
}

/**
 * One spelling per serial number: upper-case hex without separators or leading zeros.
 * node prints `4A01…`, openssl `4A:01:…`, @peculiar/x509 `4a01…` (with a sign octet `00` at times).
 */
export function normalizeSerial(serial: string): string {
  const hex = serial.trim().replace(/^0x/i, '').replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex)) throw new RangeError('a serial number is hexadecimal');
  return hex.replace(/^0+(?=.)/, '');
}
