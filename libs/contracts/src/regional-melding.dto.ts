import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ORGANISATIE_DOMEINEN, type OrganisatieDomein } from './national-messages';
import { GEMEENTECODE, OIN_PATTERN } from './envelopes';

// The regional tenants' JSON (version 1), as POSTed to the gateway. Field rules here are
// syntax only; the index rules (11-proef, age, dates) are domain code in @vir/domain.

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BSN_SYNTAX = /^\d{9}$/;

export class BsnDto {
  @Matches(BSN_SYNTAX, { message: 'bsn must be 9 digits' }) bsn!: string;
}

export class JeugdigeDto extends BsnDto {
  @Matches(DATE, { message: 'geboortedatum must be YYYY-MM-DD' }) @IsDateString({ strict: true }) geboortedatum!: string;
  /** Optional: the CBS code (4 digits, e.g. "0363") of the young person's municipality of residence, for the figures. */
  @IsOptional() @Matches(GEMEENTECODE, { message: 'woongemeente must be the 4-digit CBS code' }) woongemeente?: string;
}

export class MelderDto {
  @IsString() @IsNotEmpty() @MaxLength(64) id!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) naam!: string;
  @IsOptional() @Matches(/^[0-9+()\- ]{6,20}$/, { message: 'telefoon must be a phone number' }) telefoon?: string;
  @IsOptional() @IsEmail() @MaxLength(254) email?: string;
}

export class OrganisatieDto {
  @IsString() @IsNotEmpty() @MaxLength(200) naam!: string;
  @IsIn(ORGANISATIE_DOMEINEN) domein!: OrganisatieDomein;
}

export class RegionaleMeldingDto {
  /** Client-chosen message id: the tracking id of this melding everywhere. */
  @IsUUID() berichtId!: string;
  /** Optional: the sending tenant. The client certificate names the party; when given, this must be its OIN (403 OIN_MISMATCH). */
  @IsOptional() @Matches(OIN_PATTERN) afzenderOin?: string;
  /** The regional index's own reference, echoed back in matchsignalen. */
  @IsString() @IsNotEmpty() @MaxLength(100) referentie!: string;
  @IsObject() @ValidateNested() @Type(() => JeugdigeDto) jeugdige!: JeugdigeDto;
  @IsOptional() @IsArray() @ArrayMaxSize(4) @ValidateNested({ each: true }) @Type(() => BsnDto) ouders?: BsnDto[];
  @Matches(DATE, { message: 'meldingsdatum must be YYYY-MM-DD' }) @IsDateString({ strict: true }) meldingsdatum!: string;
  @IsObject() @ValidateNested() @Type(() => MelderDto) melder!: MelderDto;
  @IsObject() @ValidateNested() @Type(() => OrganisatieDto) organisatie!: OrganisatieDto;
}
