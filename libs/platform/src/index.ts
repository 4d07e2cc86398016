export * from './config';
export * from './logging';
export * from './health';
export * from './startup';
export * from './access';
export * from './metrics';
