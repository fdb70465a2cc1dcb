export * from './data-source.factory';
export * from './persistence.module';
