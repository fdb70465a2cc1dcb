export * from './config-loader';
