export * from './client';
export * from './documents';
export * from './errors';
export * from './events';
export * from './follow';
export * from './graphql';
export * from './mutations';
export * from './progress';
