export * from './test-bsn';
export * from './e2e-stack';
export * from './https-client';
export * from './scenario';
export * from './demo-scenario';
