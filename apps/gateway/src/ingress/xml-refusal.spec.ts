import { TRUST_ERROR_CODES } from '@vir/pki';
import { XML_DETAIL_CODES, XML_ERROR_CODES, XmlMessageError, type XmlDetailCode } from '@vir/xml';
import { xmlRefusal } from './xml-refusal';

describe('xmlRefusal', () => {
  const all = [...Object.keys(XML_DETAIL_CODES), ...TRUST_ERROR_CODES, ...XML_ERROR_CODES] as XmlDetailCode[];

  it.each(all)('answers %s with a documented code of its own', (detail) => {
    const refusal = xmlRefusal(new XmlMessageError('XML_MALFORMED', 'message', detail));
    expect(refusal.code).not.toBe('INTERNAL_ERROR');
    expect(refusal.code).toBe(detail === 'XML_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : detail);
  });
});
