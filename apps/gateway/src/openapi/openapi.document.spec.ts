import SwaggerParser from '@apidevtools/swagger-parser';
import { ERROR_CODES } from '@vir/contracts';
import { buildOpenApiDocument, documentedCodes } from './openapi.document';

// The document is checked by an independent OpenAPI 3.1 parser/validator, and must name every
// error code a party endpoint can answer with, and the fields of the tenant JSON.

const document = buildOpenApiDocument({ maxBodyBytes: 65_536 });

it('is a valid OpenAPI 3.1 document (validated by @apidevtools/swagger-parser)', async () => {
  const api = (await SwaggerParser.validate(structuredClone(document) as never)) as unknown as { openapi: string; paths: Record<string, unknown> };
  expect(api.openapi).toBe('3.1.0');
  expect(Object.keys(api.paths).sort()).toEqual(['/v1/berichten', '/v1/intrekkingen', '/v1/meldingen', '/v1/ping', '/v1/verwijderingen']);
});

it('documents every error code the party endpoints can answer (NOT_FOUND: unknown paths only)', () => {
  const missing = Object.keys(ERROR_CODES).filter((c) => c !== 'NOT_FOUND' && !documentedCodes(document).has(c));
  expect(missing).toEqual([]);
});

it('generates the tenant JSON schemas from the validating DTOs', () => {
  const schemas = (document.components as { schemas: Record<string, { properties?: Record<string, Record<string, unknown>>; required?: string[] }> }).schemas;
  const melding = schemas.RegionaleMeldingDto;
  expect(melding.required).toEqual(expect.arrayContaining(['berichtId', 'referentie', 'jeugdige', 'meldingsdatum', 'melder', 'organisatie']));
  expect(melding.required).not.toContain('ouders');
  expect(melding.properties!.berichtId).toMatchObject({ format: 'uuid' });
  expect(schemas.OrganisatieDto.properties!.domein.enum).toHaveLength(7);
  expect(JSON.stringify(schemas.JeugdigeDto)).toContain('\\\\d{9}');
});
