import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { OIN_PATTERN } from '@vir/contracts';
import { MAX_CERTIFICATES, MAX_PUSH_BATCH } from './party';

// The admin API's bodies. Certificates are given as PEM (then the gateway checks them and knows
// their expiry at once) or by SHA-256 fingerprint (`AB:CD:…` or plain hex: the expiry is learned
// when the party first connects with it).

const CERTIFICATE_TEXT = /^(([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{64}|\s*-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*)$/;
const CERTIFICATE_MESSAGE = 'certificates must be PEM certificates or SHA-256 fingerprints';
const ABSOLUTE = /^\//;

export class CreatePartyDto {
  @Matches(OIN_PATTERN, { message: 'oin must be 20 digits' }) oin!: string;
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @IsIn(['regional', 'direct']) kind!: 'regional' | 'direct';
  @Matches(/^\d{1,3}$/, { message: 'convenant must be a number of 1-3 digits' }) convenant!: string;
  @IsArray() @ArrayMaxSize(MAX_CERTIFICATES) @Matches(CERTIFICATE_TEXT, { each: true, message: CERTIFICATE_MESSAGE }) certificates!: string[];
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) webhookUrl?: string | null;
  @IsOptional() @IsBoolean() pull?: boolean;
  /** Default: json for regional tenants, xml for direct parties. */
  @IsOptional() @IsIn(['json', 'xml']) deliveryFormat?: 'json' | 'xml';
  /** Signals per push request (default 1); more than 1 needs deliveryFormat json. */
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PUSH_BATCH) pushBatchSize?: number;
  @IsOptional() @IsBoolean() localMatching?: boolean;
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsInt() @Min(1) @Max(100_000) rateLimitPerSecond?: number | null;
  /** Regional tenants: absolute paths on the gateway's host. */
  @IsOptional() @ValidateIf((_o, v) => v !== null) @Matches(ABSOLUTE, { message: 'signingKeyFile must be an absolute path' }) signingKeyFile?: string | null;
  @IsOptional() @ValidateIf((_o, v) => v !== null) @Matches(ABSOLUTE, { message: 'signingCertFile must be an absolute path' }) signingCertFile?: string | null;
}

/** Every field optional; the OIN and kind of a party never change. `null` clears an optional setting. */
export class UpdatePartyDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @IsOptional() @Matches(/^\d{1,3}$/, { message: 'convenant must be a number of 1-3 digits' }) convenant?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_CERTIFICATES) @Matches(CERTIFICATE_TEXT, { each: true, message: CERTIFICATE_MESSAGE }) certificates?: string[];
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) webhookUrl?: string | null;
  @IsOptional() @IsBoolean() pull?: boolean;
  @IsOptional() @IsIn(['json', 'xml']) deliveryFormat?: 'json' | 'xml';
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PUSH_BATCH) pushBatchSize?: number;
  @IsOptional() @IsBoolean() localMatching?: boolean;
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsInt() @Min(1) @Max(100_000) rateLimitPerSecond?: number | null;
  @IsOptional() @ValidateIf((_o, v) => v !== null) @Matches(ABSOLUTE, { message: 'signingKeyFile must be an absolute path' }) signingKeyFile?: string | null;
  @IsOptional() @ValidateIf((_o, v) => v !== null) @Matches(ABSOLUTE, { message: 'signingCertFile must be an absolute path' }) signingCertFile?: string | null;
}

export class SuspendPartyDto {
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}
