import { Module } from '@nestjs/common';
import { RegisterNodeHandler } from './commands/register-node/register-node.handler';
import { RegisterNodeResolver } from './commands/register-node/register-node.resolver';
import { ReportInstancesHandler } from './commands/report-instances/report-instances.handler';
import { ReportInstancesResolver } from './commands/report-instances/report-instances.resolver';
import { NodeAssignmentsResolver } from './queries/node-assignments/node-assignments.resolver';
import { NodesResolver } from './queries/nodes/nodes.resolver';

/** NodesModule serves node daemons (registerNode, reportInstances, their assignments) and the nodes query. */
@Module({
  providers: [
    RegisterNodeHandler,
    RegisterNodeResolver,
    ReportInstancesHandler,
    ReportInstancesResolver,
    NodesResolver,
    NodeAssignmentsResolver,
  ],
})
export class NodesModule {}
