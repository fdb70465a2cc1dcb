import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { Type, plainToInstance } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUrl, Matches, ValidateNested, validateSync } from 'class-validator';
import { OIN_PATTERN } from '@vir/contracts';
import type { Signer } from '@vir/xml';

export type PartyKind = 'regional' | 'direct';

class PartyFileEntry {
  @Matches(OIN_PATTERN) oin!: string;
  @IsString() name!: string;
  @IsIn(['regional', 'direct']) kind!: PartyKind;
  @Matches(/^\d{1,3}$/) convenant!: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) webhookUrl?: string;
  @IsIn(['json', 'xml']) deliveryFormat!: 'json' | 'xml';
  /** Regional tenants: the gateway signs on their behalf with this key and certificate. */
  @IsOptional() @IsString() signingKeyFile?: string;
  @IsOptional() @IsString() signingCertFile?: string;
}

class PartiesFile {
  @ValidateNested({ each: true }) @Type(() => PartyFileEntry) parties!: PartyFileEntry[];
}

export interface Party {
  oin: string;
  name: string;
  kind: PartyKind;
  convenant: string;
  webhookUrl?: string;
  deliveryFormat: 'json' | 'xml';
  signer?: Signer;
}

/**
 * The parties the gateway knows. In this version they come from a JSON file checked at start;
 * the admin API and persistence of parties come with the gateway issue.
 */
export class PartyRegistry {
  private readonly byOin = new Map<string, Party>();

  constructor(parties: Party[]) {
    for (const p of parties) this.byOin.set(p.oin, p);
  }

  static fromFile(file: string): PartyRegistry {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const parsed = plainToInstance(PartiesFile, raw);
    const errors = validateSync(parsed, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new Error(`${file}: invalid parties file: ${JSON.stringify(errors.map((e) => e.toString()))}`);
    const base = dirname(file);
    return new PartyRegistry(
      parsed.parties.map((p) => {
        if (p.kind === 'regional' && !(p.signingKeyFile && p.signingCertFile)) {
          throw new Error(`${file}: regional party ${p.oin} needs signingKeyFile and signingCertFile`);
        }
        const signer =
          p.signingKeyFile && p.signingCertFile
            ? { oin: p.oin, privateKey: createPrivateKey(readFileSync(resolve(base, p.signingKeyFile))), certificatePem: readFileSync(resolve(base, p.signingCertFile), 'utf8') }
            : undefined;
        return { oin: p.oin, name: p.name, kind: p.kind, convenant: p.convenant, webhookUrl: p.webhookUrl, deliveryFormat: p.deliveryFormat, signer };
      }),
    );
  }

  find(oin: string | undefined): Party | undefined {
    return oin ? this.byOin.get(oin) : undefined;
  }

  all(): Party[] {
    return [...this.byOin.values()];
  }
}
