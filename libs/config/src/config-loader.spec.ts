import { IsInt, IsString, Max, Min } from 'class-validator';
import { ConfigError, loadConfig } from './config-loader';

class SampleConfig {
  @IsString() KAFKA_BROKERS!: string;
  @IsInt() @Min(1) @Max(65535) PORT: number = 3000;
}

describe('loadConfig', () => {
  it('converts and applies defaults', () => {
    const cfg = loadConfig(SampleConfig, { KAFKA_BROKERS: 'k:9092', UNRELATED: 'x' });
    expect(cfg).toEqual({ KAFKA_BROKERS: 'k:9092', PORT: 3000 });
    expect(loadConfig(SampleConfig, { KAFKA_BROKERS: 'k', PORT: '8080' }).PORT).toBe(8080);
  });

  it('lists every problem in one readable error', () => {
    expect.assertions(3);
    try {
      loadConfig(SampleConfig, { PORT: '99999' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toHaveLength(2);
      expect((e as Error).message).toMatch(/KAFKA_BROKERS.*\n.*PORT: PORT must not be greater than 65535/s);
    }
  });
});
