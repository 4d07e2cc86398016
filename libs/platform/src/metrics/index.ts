export * from './registry';
export * from './access-review';
export * from './review.guard';
export * from './metrics.controller';
export * from './metrics.module';
