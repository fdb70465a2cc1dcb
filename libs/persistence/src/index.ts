export * from './data-source.factory';
export * from './persistence.module';
export * from './prepared-query';
export * from './pg-array';
