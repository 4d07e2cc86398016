import { Resources } from '@mammoth/events';

/** FreeRoom is what one node has left: resources and ports in its range. */
export interface FreeRoom {
  readonly nodeId: string;
  readonly free: Resources;
  readonly freePorts: number;
}

/** WhatIfAnswer says how many more instances of a shape fit now, in all and per node (nodes where none fits are left out). */
export interface WhatIfAnswer {
  readonly fits: number;
  readonly nodes: { readonly nodeId: string; readonly fits: number }[];
}

const DIMENSIONS: readonly (keyof Resources)[] = ['cpuMillis', 'memoryMiB', 'diskMiB'];

/**
 * fitsOn counts how many instances of `shape` fit in a node's free room: the least, over the dimensions the shape asks for,
 * of free / request rounded down, and never more than its free ports (each instance takes one). Nothing fits where a
 * dimension is already overcommitted.
 */
export function fitsOn(room: Pick<FreeRoom, 'free' | 'freePorts'>, shape: Resources): number {
  let n = Math.max(0, room.freePorts);
  for (const d of DIMENSIONS) if (shape[d] > 0) n = Math.min(n, Math.floor(Math.max(0, room.free[d]) / shape[d]));
  return n;
}

/** whatIf answers "how many more of this shape would fit now, and where" over the given nodes, most room first. */
export function whatIf(nodes: readonly FreeRoom[], shape: Resources): WhatIfAnswer {
  const fitting = nodes
    .map((n) => ({ nodeId: n.nodeId, fits: fitsOn(n, shape) }))
    .filter((n) => n.fits > 0)
    .sort((a, b) => b.fits - a.fits || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  return { fits: fitting.reduce((sum, n) => sum + n.fits, 0), nodes: fitting };
}
