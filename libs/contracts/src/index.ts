export * from './national-messages';
export * from './topics';
export * from './message-contract';
export * from './envelopes';
export * from './regional-melding.dto';
export * from './regional-melding.translator';
export * from './regional-lifecycle.dto';
export * from './error-codes';
