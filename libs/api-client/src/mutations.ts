import { graphql } from './graphql';

/** DeployAppMutation deploys a package as an app. */
export const DeployAppMutation = graphql(`
  mutation DeployApp($input: DeployAppInput!) {
    deployApp(input: $input) {
      name
      desired
      package {
        name
        version
      }
      pending {
        count
        reasons
      }
    }
  }
`);

/** UpdateAppMutation rolls an app out to another package version. */
export const UpdateAppMutation = graphql(`
  mutation UpdateApp($input: UpdateAppInput!) {
    updateApp(input: $input) {
      name
      desired
      rollout {
        from
        to
        phase
      }
    }
  }
`);

/** ScaleAppMutation changes an app's desired instance count. */
export const ScaleAppMutation = graphql(`
  mutation ScaleApp($name: String!, $instances: Int!) {
    scaleApp(name: $name, instances: $instances) {
      name
      desired
      pending {
        count
        reasons
      }
    }
  }
`);

/** RollbackAppMutation rolls an app back to the version it ran before its last update. */
export const RollbackAppMutation = graphql(`
  mutation RollbackApp($name: String!) {
    rollbackApp(name: $name) {
      name
      rollout {
        from
        to
        phase
      }
    }
  }
`);

/** PromoteAppMutation promotes an app's canary to every instance. */
export const PromoteAppMutation = graphql(`
  mutation PromoteApp($name: String!) {
    promoteApp(name: $name) {
      name
      rollout {
        from
        to
        phase
      }
    }
  }
`);

/** RemoveAppMutation removes an app and stops its instances. */
export const RemoveAppMutation = graphql(`
  mutation RemoveApp($name: String!) {
    removeApp(name: $name)
  }
`);
