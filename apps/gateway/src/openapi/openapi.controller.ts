import { Controller, Get } from '@nestjs/common';
import { openApiDocument } from './openapi.document';

/** GET /openapi.json on both ports, without credentials: suppliers need it before they have any. */
@Controller()
export class OpenApiController {
  private readonly document = openApiDocument();

  @Get('openapi.json')
  get(): object {
    return this.document;
  }
}
