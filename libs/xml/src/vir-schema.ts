import { SchemaValidator } from './schema-validator';
import { VIR_BERICHTEN_V1 } from './vir-berichten-v1.schema';

/** The validator for schemas/vir-berichten-v1.xsd, built once (its regular expressions compiled) at load. */
export const virSchema = new SchemaValidator(VIR_BERICHTEN_V1);
