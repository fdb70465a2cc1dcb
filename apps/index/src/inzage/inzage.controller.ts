import { BadRequestException, Body, Controller, HttpCode, Post, Req, UnprocessableEntityException, UseGuards, UsePipes, ValidationPipe } from '@nestjs/common';
import type { Request } from 'express';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { isValidBsn } from '@vir/domain';
import { ApiTokenGuard } from './api-token.guard';
import { InzageService, type InzageReport } from './inzage.service';

export class InzageRequest {
  /** In the body, never in a URL: URLs end up in access logs. */
  @Matches(/^\d{9}$/, { message: 'bsn must be 9 digits' }) bsn!: string;
  @IsOptional() @IsString() @MaxLength(500) reden?: string;
}

@Controller('v1/inzage')
@UseGuards(ApiTokenGuard)
export class InzageController {
  constructor(private readonly inzage: InzageService) {}

  @Post()
  @HttpCode(200)
  @UsePipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      exceptionFactory: (errors) =>
        new BadRequestException({ code: 'VALIDATION_FAILED', message: 'The request has missing or malformed fields', details: errors.flatMap((e) => Object.values(e.constraints ?? {})) }),
    }),
  )
  report(@Body() body: InzageRequest, @Req() req: Request & { actor?: string }): Promise<InzageReport> {
    if (!isValidBsn(body.bsn)) throw new UnprocessableEntityException({ code: 'BSN_INVALID', message: 'The BSN fails the 11-proef' });
    return this.inzage.report(body.bsn, req.actor!, body.reden);
  }
}
