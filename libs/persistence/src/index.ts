export * from './data-source.factory';
export * from './persistence.module';
export * from './prepared-query';
