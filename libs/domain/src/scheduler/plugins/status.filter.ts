import { FilterPlugin } from '../types';

/** statusFilter rejects nodes that are not ready (draining or lost). */
export const statusFilter = {
  name: 'node-status',
  reason: 'node not ready',
  fits: (_req, n) => n.node.status === 'ready',
} satisfies FilterPlugin;
