export * from './bsn';
export * from './melding-rules';
export * from './child-matching';
export * from './clock';
export * from './clock.module';
