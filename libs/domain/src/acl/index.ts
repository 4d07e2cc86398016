export * from './capabilities';
export * from './policy';
export * from './token';
export * from './bootstrap';
