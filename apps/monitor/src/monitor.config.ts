import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** The monitor's configuration, read from the environment once at start (see README). */
export class MonitorConfig {
  @IsString() KAFKA_BROKERS!: string;
  /** Prefix for topic and consumer-group names, to share one cluster between environments. */
  @IsString() @Matches(/^[a-z0-9._-]*$/) KAFKA_TOPIC_PREFIX: string = '';
  @IsString() DATABASE_URL!: string;
  @IsString() @Matches(/^[a-z_][a-z0-9_]*$/) DATABASE_SCHEMA: string = 'vir_monitor';
  @IsString() HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) PORT: number = 3003;
  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug']) LOG_LEVEL?: string;
}
