import { Controller, Get, Inject } from '@nestjs/common';
import { MAX_BODY_BYTES } from '../ingress/ingress.controller';
import { buildOpenApiDocument } from './openapi.document';

/** The OpenAPI document for suppliers: GET /openapi.json (no credential needed to read it). */
@Controller()
export class OpenApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(MAX_BODY_BYTES) maxBodyBytes: number) {
    this.document = buildOpenApiDocument({ maxBodyBytes });
  }

  @Get('openapi.json')
  get(): Record<string, unknown> {
    return this.document;
  }
}
