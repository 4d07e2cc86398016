import { EndpointModel } from './service.model';

/** compareEndpoints orders endpoints by host, then port, then instance id. */
export function compareEndpoints(a: EndpointModel, b: EndpointModel): number {
  return a.host < b.host
    ? -1
    : a.host > b.host
      ? 1
      : a.port - b.port || (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0);
}

/** selectEndpoints narrows endpoints by health: `healthy` true keeps the healthy ones, false the unhealthy ones, null keeps all. */
export function selectEndpoints(all: readonly EndpointModel[], healthy: boolean | null | undefined): EndpointModel[] {
  return healthy === null || healthy === undefined ? [...all] : all.filter((e) => e.healthy === healthy);
}
