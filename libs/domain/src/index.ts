export * from './bsn';
export * from './melding-rules';
export * from './melding-matching';
export * from './clock';
export * from './periodic';
export * from './time-ordered-id';
export * from './clock.module';
