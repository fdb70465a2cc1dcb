import { BSN_MASK, maskXml } from './xml-mask';

describe('maskXml', () => {
  it('masks every nine-digit run, in text and attributes, and keeps longer numbers and dates', () => {
    const xml =
      '<Melding xmlns="urn:nl:vir:berichten:v1" oin="00000001234567890000"><Bsn>123456782</Bsn><Note bsn="111222333">bsn:999999990 tel 0612345678</Note><Datum>2026-11-22</Datum></Melding>';
    const m = maskXml(xml);
    expect(m.maskedBsns).toBe(3);
    for (const bsn of ['123456782', '111222333', '999999990']) expect(m.text).not.toContain(bsn);
    expect(m.text).toContain(`<Bsn>${BSN_MASK}</Bsn>`);
    expect(m.text).toContain('00000001234567890000');
    expect(m.text).toContain('0612345678');
    expect(m.text).toContain('2026-11-22');
  });

  it('never shows the content of a CipherValue (EncryptedData, EncryptedKey), whatever the prefix', () => {
    const cipher = 'QUJDREVGMTIzNDU2Nzg5MDEyMzQ1Njc4OQ==';
    const xml = `<a><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:CipherData><xenc:CipherValue>${cipher}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData><EncryptedKey><CipherData><CipherValue Id="k">\n${cipher}\n</CipherValue></CipherData></EncryptedKey></a>`;
    const m = maskXml(xml);
    expect(m.encryptedValues).toBe(2);
    expect(m.text).not.toContain(cipher);
    expect(m.text).toContain(`<xenc:CipherValue>[encrypted, ${cipher.length} characters, not shown]</xenc:CipherValue>`);
  });

  it('puts one element per line', () => {
    expect(maskXml('<a><b>x</b></a>').text).toBe('<a>\n<b>x</b>\n</a>');
  });
});
