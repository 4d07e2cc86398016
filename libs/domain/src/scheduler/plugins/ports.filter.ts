import { FilterPlugin } from '../types';

/** portsFilter rejects nodes whose port range is fully held; ports held outside the range (kept from an earlier range) do not count. */
export const portsFilter = {
  name: 'ports',
  reason: 'ports exhausted',
  fits: (_req, n) => n.freePorts > 0,
} satisfies FilterPlugin;
