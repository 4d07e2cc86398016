import { graphql } from './graphql';

/** AppsQuery lists every app with its counts, pending instances and rollout. */
export const AppsQuery = graphql(`
  query Apps {
    apps {
      name
      status
      package {
        name
        version
      }
      desired
      running
      healthy
      pending {
        count
      }
      rollout {
        from
        to
        phase
        canaryWeight
      }
    }
  }
`);

/** AppQuery reads one app in full. */
export const AppQuery = graphql(`
  query App($name: String!) {
    app(name: $name) {
      name
      status
      package {
        name
        version
        digest
      }
      desired
      running
      healthy
      cpus
      memoryMiB
      diskMiB
      strategy
      maxRestarts
      restartWindowMs
      healthCheck {
        kind
        path
        command
        intervalMs
      }
      constraints {
        kind
        key
        op
        values
        max
      }
      pending {
        count
        reasons
      }
      rollout {
        from
        to
        phase
        canaryWeight
      }
      instances {
        id
        nodeId
        host
        port
        state
        health
        healthMessage
        restarts
        lastExitCode
        nextAttemptAt
        updatedAt
      }
    }
  }
`);

/** NodesQuery lists every registered node. */
export const NodesQuery = graphql(`
  query Nodes {
    nodes {
      id
      hostname
      address
      driver
      status
      cpus
      memoryMiB
      diskMiB
      portFrom
      portTo
      labels {
        key
        value
      }
      registeredAt
      lastHeartbeatAt
    }
  }
`);

/** NodeInstancesQuery reads every app's instances, for the instances on one node. */
export const NodeInstancesQuery = graphql(`
  query NodeInstances {
    apps {
      name
      instances {
        id
        app
        nodeId
        state
        health
        port
      }
    }
  }
`);

/** ResourceFields is the cpu, memory and disk of one capacity figure. */
const ResourceFields = graphql(`
  fragment Resources on ResourceAmounts {
    cpus
    memoryMiB
    diskMiB
  }
`);

/** CapacityQuery reads the capacity read model: per node and totals. */
export const CapacityQuery = graphql(
  `
    query Capacity {
      capacity {
        nodes {
          nodeId
          status
          cpus
          memoryMiB
          diskMiB
          instances
          allocated {
            ...Resources
          }
          free {
            ...Resources
          }
          ports {
            total
            used
          }
        }
        totals {
          nodes
          capacity {
            ...Resources
          }
          allocated {
            ...Resources
          }
          free {
            ...Resources
          }
          ports {
            total
            used
          }
        }
      }
    }
  `,
  [ResourceFields],
);

/** StatusQuery is the cluster at a glance: nodes, apps, capacity totals and the failure detector. */
export const StatusQuery = graphql(
  `
    query Status {
      nodes {
        id
        status
      }
      apps {
        name
        desired
        running
        healthy
        pending {
          count
        }
        rollout {
          phase
        }
      }
      capacity {
        totals {
          nodes
          capacity {
            ...Resources
          }
          allocated {
            ...Resources
          }
        }
      }
      failureDetector {
        enabled
        active
        lostAfterMs
        nodesHeard
      }
    }
  `,
  [ResourceFields],
);

/** WhatIfQuery asks how many more instances of a shape fit now, and where. */
export const WhatIfQuery = graphql(`
  query WhatIf($shape: ShapeInput!) {
    whatIf(shape: $shape) {
      fits
      nodes {
        nodeId
        fits
      }
    }
  }
`);

/** PackagesQuery lists every uploaded package version. */
export const PackagesQuery = graphql(`
  query Packages {
    packages {
      name
      version
      format
      digest
      imageRef
      sizeBytes
      uploadedAt
    }
  }
`);

/** EventFields is what the CLI and console show of an event. */
export const EventFields = graphql(`
  fragment EventFields on Event {
    position
    type
    streamId
    data
    metadata {
      actor
      timestamp
    }
  }
`);

/** EventsQuery pages through the log after a position, oldest first. */
export const EventsQuery = graphql(
  `
    query Events($after: String!, $limit: Int!, $filter: EventFilterInput) {
      events(after: $after, limit: $limit, filter: $filter) {
        ...EventFields
      }
    }
  `,
  [EventFields],
);

/** EventsSubscription streams the log after a position, then each new event as it commits. */
export const EventsSubscription = graphql(
  `
    subscription FollowEvents($after: String!, $filter: EventFilterInput) {
      events(after: $after, filter: $filter) {
        ...EventFields
      }
    }
  `,
  [EventFields],
);
