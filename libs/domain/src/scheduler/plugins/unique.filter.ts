import { Constraint } from '@mammoth/events';
import { appCount } from '../working';
import { ConstraintFilterPlugin, FilterPlugin } from '../types';

/** uniqueFilter rejects nodes that already run an instance of the app, live or planned. */
export const uniqueFilter = {
  name: 'unique',
  reason: 'constraint unique not met',
  fits: (req, n) => appCount(n, req.app) === 0,
} satisfies FilterPlugin;

/** uniqueConstraintFilter applies uniqueFilter to an app with a `unique` constraint. */
export const uniqueConstraintFilter = {
  kind: 'unique',
  build: (_c, _req, _nodes) => uniqueFilter,
} satisfies ConstraintFilterPlugin<Extract<Constraint, { kind: 'unique' }>>;
