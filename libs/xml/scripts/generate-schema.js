#!/usr/bin/env node
// Regenerates libs/xml/src/vir-berichten-v1.schema.ts from schemas/vir-berichten-v1.xsd with the
// compiler @vir/xml ships (run `npm run -s build` first). The spec schema-model.spec.ts fails
// whenever the checked-in module and the XSD differ, so the two cannot drift apart unnoticed.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const { compileXsd } = require(join(root, 'dist', 'libs', 'xml', 'src', 'xsd-compiler.js'));
const xsd = readFileSync(join(root, 'schemas', 'vir-berichten-v1.xsd'), 'utf8');
const model = compileXsd(xsd);
const target = join(root, 'libs', 'xml', 'src', 'vir-berichten-v1.schema.ts');
writeFileSync(
  target,
  [
    '// GENERATED from schemas/vir-berichten-v1.xsd by libs/xml/scripts/generate-schema.js: do not edit.',
    "import type { CompiledSchema } from './schema-model';",
    '',
    `export const VIR_BERICHTEN_V1: CompiledSchema = ${JSON.stringify(model, null, 2)};`,
    '',
  ].join('\n'),
);
console.log(`wrote ${target}`);
