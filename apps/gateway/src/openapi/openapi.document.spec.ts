import SwaggerParser from '@apidevtools/swagger-parser';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '@vir/contracts';
import { openApiDocument } from './openapi.document';

type Operation = { responses: Record<string, { 'x-error-codes'?: string[] }>; 'x-item-error-codes'?: string[] };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as { paths: Record<string, Record<string, Operation>>; components: { schemas: { ErrorBody: { properties: { code: { enum: string[] } } } } } };
  const operations = Object.values(doc.paths).flatMap((p) => Object.entries(p).filter(([k]) => k !== 'parameters').map(([, op]) => op));
  const listed = operations.flatMap((op) => Object.entries(op.responses).flatMap(([status, r]) => (r['x-error-codes'] ?? []).map((code) => ({ status, code }))));
  const itemCodes = operations.flatMap((op) => op['x-item-error-codes'] ?? []);

  it('has every documented error code in the ErrorBody enum', () => {
    expect(doc.components.schemas.ErrorBody.properties.code.enum).toEqual(Object.keys(ERROR_CODES));
  });

  it('lists each code under its own HTTP status', () => {
    for (const { status, code } of listed) expect({ code, status: Number(status) }).toEqual({ code, status: ERROR_CODES[code as keyof typeof ERROR_CODES].status });
  });

  it('names only documented codes for batch items', () => {
    expect(itemCodes.length).toBeGreaterThan(5);
    expect(itemCodes.filter((c) => !(c in ERROR_CODES))).toEqual([]);
  });

  it('documents every refusal the gateway code can give', () => {
    const thrown = new Set(sources(join(__dirname, '..')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/GatewayError\('([A-Z_]+)'/g)].map((m) => m[1])));
    expect(thrown.size).toBeGreaterThan(15);
    const documented = new Set(listed.map((l) => l.code));
    expect([...thrown].filter((c) => !documented.has(c))).toEqual([]);
  });

  it('is a valid OpenAPI 3.1 document for an independent parser (@apidevtools/swagger-parser)', async () => {
    const api = (await SwaggerParser.validate(structuredClone(openApiDocument()) as never)) as unknown as { openapi: string; paths: Record<string, unknown> };
    expect(api.openapi).toBe('3.1.0');
    expect(Object.keys(api.paths)).toEqual(expect.arrayContaining(['/v1/meldingen', '/v1/meldingen/batch', '/v1/intrekkingen', '/v1/verwijderingen', '/v1/ping', '/v1/berichten']));
  });

  it('generates the tenant JSON schemas from the validating DTOs', () => {
    const schemas = (openApiDocument().components as { schemas: Record<string, { properties?: Record<string, Record<string, unknown>>; required?: string[] }> }).schemas;
    const melding = schemas.RegionaleMeldingDto;
    expect(melding.required).toEqual(expect.arrayContaining(['berichtId', 'referentie', 'jeugdige', 'meldingsdatum', 'melder', 'organisatie']));
    expect(melding.required).not.toContain('ouders');
    expect(melding.properties!.berichtId).toMatchObject({ format: 'uuid' });
    expect(schemas.OrganisatieDto.properties!.domein.enum).toHaveLength(7);
    expect(schemas.RegionaleIntrekkingDto.properties!.melding).toMatchObject({ $ref: '#/components/schemas/MeldingVerwijzingDto' });
    expect(JSON.stringify(schemas.JeugdigeDto)).toContain('\\\\d{9}');
  });
});
