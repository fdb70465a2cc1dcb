import { ERROR_CODES, type ErrorCode } from '@vir/contracts';
import type { XmlMessageError } from '@vir/xml';
import { GatewayError } from './gateway.error';

/** XML refusals keep their precise reason as the answer's code (every one documented in ERROR_CODES). */
export function xmlRefusal(err: XmlMessageError): GatewayError {
  const code = err.detailCode === 'XML_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : err.detailCode;
  return new GatewayError(code in ERROR_CODES ? (code as ErrorCode) : 'INTERNAL_ERROR', err.message);
}
