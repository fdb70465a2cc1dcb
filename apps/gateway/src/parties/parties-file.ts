import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Type, plainToInstance } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateNested, validateSync } from 'class-validator';
import { OIN_PATTERN } from '@vir/contracts';
import { fingerprintOf, MAX_CERTIFICATES, MAX_PUSH_BATCH, pushBatchProblem, type PartyKind, type PartyRecord } from './party';

class PartyFileEntry {
  @Matches(OIN_PATTERN) oin!: string;
  @IsString() name!: string;
  @IsIn(['regional', 'direct']) kind!: PartyKind;
  @Matches(/^\d{1,3}$/) convenant!: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) webhookUrl?: string;
  @IsOptional() @IsBoolean() pull?: boolean;
  @IsIn(['json', 'xml']) deliveryFormat!: 'json' | 'xml';
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PUSH_BATCH) pushBatchSize?: number;
  /** The party's client certificates (PEM files): their fingerprints are what the gateway accepts. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_CERTIFICATES) @IsString({ each: true }) certificateFiles?: string[];
  @IsOptional() @IsBoolean() localMatching?: boolean;
  @IsOptional() @IsInt() @Min(1) rateLimitPerSecond?: number;
  /** Regional tenants: the gateway signs on their behalf with this key and certificate. */
  @IsOptional() @IsString() signingKeyFile?: string;
  @IsOptional() @IsString() signingCertFile?: string;
}

class PartiesFile {
  @ValidateNested({ each: true }) @Type(() => PartyFileEntry) parties!: PartyFileEntry[];
}

/** What PARTIES_FILE holds: the parties and the client certificates (PEM) its entries name. */
export interface PartiesFileContents {
  records: PartyRecord[];
  /** Their expiry is known from the start. */
  certificatePems: string[];
}

/**
 * The parties of PARTIES_FILE as records, to seed the party table with (paths made absolute,
 * certificate files turned into fingerprints), with those certificates. Throws with every problem
 * on a bad file.
 */
export function readPartiesFile(file: string): PartiesFileContents {
  const base = dirname(file);
  const certificatePems: string[] = [];
  const records = entriesOf(file).map((p): PartyRecord => {
    const pems = (p.certificateFiles ?? []).map((f) => readFileSync(resolve(base, f), 'utf8'));
    certificatePems.push(...pems);
    if (p.kind === 'regional' && !(p.signingKeyFile && p.signingCertFile)) {
      throw new Error(`${file}: regional party ${p.oin} needs signingKeyFile and signingCertFile`);
    }
    const record: PartyRecord = {
      oin: p.oin,
      name: p.name,
      kind: p.kind,
      convenant: p.convenant,
      certificates: pems.map(fingerprintOf),
      webhookUrl: p.webhookUrl ?? null,
      pull: p.pull ?? false,
      deliveryFormat: p.deliveryFormat,
      localMatching: p.localMatching ?? false,
      rateLimitPerSecond: p.rateLimitPerSecond ?? null,
      status: 'active',
      statusReason: null,
      signingKeyFile: p.signingKeyFile ? resolve(base, p.signingKeyFile) : null,
      signingCertFile: p.signingCertFile ? resolve(base, p.signingCertFile) : null,
      pushBatchSize: p.pushBatchSize ?? 1,
    };
    const batchProblem = pushBatchProblem(record);
    if (batchProblem) throw new Error(`${file}: party ${p.oin}: ${batchProblem}`);
    return record;
  });
  return { records, certificatePems };
}

function entriesOf(file: string): PartyFileEntry[] {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const parsed = plainToInstance(PartiesFile, raw);
  const errors = validateSync(parsed, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new Error(`${file}: invalid parties file: ${JSON.stringify(errors.map((e) => e.toString()))}`);
  return parsed.parties;
}
