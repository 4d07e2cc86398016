export * from './access.decorators';
