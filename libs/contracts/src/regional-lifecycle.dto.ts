import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { INTREKKING_REDENEN, VERWIJDERING_REDENEN, type IntrekkingReden, type VerwijderingReden } from './national-messages';
import { OIN_PATTERN } from './envelopes';

// The regional tenants' JSON (version 1) for ending a melding: withdrawal by the reporter, and
// removal ordered by a municipality after an objection. The melding is named by its message id
// and/or the tenant's own reference, never by anything about the young person.

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class MeldingVerwijzingDto {
  @IsOptional() @IsUUID() berichtId?: string;
  @IsOptional() @IsString() @MaxLength(100) referentie?: string;
}

export class RegionaleIntrekkingDto {
  @IsUUID() berichtId!: string;
  /** Optional: the sending tenant. The client certificate names the party; when given, this must be its OIN (403 OIN_MISMATCH). */
  @IsOptional() @Matches(OIN_PATTERN) afzenderOin?: string;
  @IsObject() @ValidateNested() @Type(() => MeldingVerwijzingDto) melding!: MeldingVerwijzingDto;
  /** Defaults to today. */
  @IsOptional() @Matches(DATE, { message: 'intrekkingsdatum must be YYYY-MM-DD' }) intrekkingsdatum?: string;
  @IsOptional() @IsIn(INTREKKING_REDENEN) reden?: IntrekkingReden;
}

export class VerwijderdeMeldingDto extends MeldingVerwijzingDto {
  /** The party that made the melding. */
  @Matches(OIN_PATTERN) afzenderOin!: string;
}

export class RegionaleVerwijderingDto {
  @IsUUID() berichtId!: string;
  /** Optional: the sending tenant. The client certificate names the party; when given, this must be its OIN (403 OIN_MISMATCH). */
  @IsOptional() @Matches(OIN_PATTERN) afzenderOin?: string;
  @Matches(/^\d{4}$/, { message: 'gemeentecode must be the 4-digit CBS code' }) gemeentecode!: string;
  @IsObject() @ValidateNested() @Type(() => VerwijderdeMeldingDto) melding!: VerwijderdeMeldingDto;
  @IsIn(VERWIJDERING_REDENEN) reden!: VerwijderingReden;
  @Matches(DATE, { message: 'besluitdatum must be YYYY-MM-DD' }) besluitdatum!: string;
}

/** A connectivity test: the answer travels back through the whole chain with per-hop times. */
export class RegionalePingDto {
  @IsUUID() berichtId!: string;
  /** Optional: the sending tenant. The client certificate names the party; when given, this must be its OIN (403 OIN_MISMATCH). */
  @IsOptional() @Matches(OIN_PATTERN) afzenderOin?: string;
  /** Defaults to berichtId. */
  @IsOptional() @IsUUID() pingId?: string;
}
