import type { Request } from 'express';
import { GatewayError } from './gateway.error';

/** Reads the raw body with a hard size limit, aborting (not buffering) oversize uploads. */
export async function readBody(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new GatewayError('PAYLOAD_TOO_LARGE', `The body exceeds ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new GatewayError('PAYLOAD_TOO_LARGE', `The body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function requireMediaType(req: Request, accepted: string[]): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!accepted.includes(type)) {
    throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be ${accepted.join(' or ')}`);
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('MALFORMED_JSON', 'The body is not valid JSON');
  }
}
