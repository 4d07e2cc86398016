export * from './probe';
export * from './loop-beats';
export * from './health.controller';
export * from './health.module';
