import { AnyTableModel } from '../row-store/table';
import { appsTable } from './apps/apps';
import { instancesTable } from './instances/instances';
import { nodesTable } from './nodes/nodes';
import { packagesTable } from './packages/packages';

/** REGISTRY_TABLES are the registry read model's tables; each event goes to every table that handles its type. */
export const REGISTRY_TABLES: readonly AnyTableModel[] = [packagesTable, nodesTable, appsTable, instancesTable];
