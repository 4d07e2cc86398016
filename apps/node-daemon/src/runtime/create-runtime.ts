import { join } from 'node:path';
import Docker from 'dockerode';
import { NodeDaemonConfig } from '../config';
import { BlobSource, PackageCache } from './package-cache';
import { ContainerRuntime } from './container-runtime';
import { DockerRuntime } from './docker-runtime';
import { SimRuntime } from './sim-runtime';

/** createRuntime builds the container runtime the config's driver names; package blobs are cached under the data dir. */
export function createRuntime(config: NodeDaemonConfig, blobs: BlobSource): ContainerRuntime {
  switch (config.driver) {
    case 'docker':
      return new DockerRuntime(
        new Docker({ socketPath: config.dockerSocket }),
        config.nodeId,
        new PackageCache(join(config.dataDir, 'packages'), blobs),
        config.address,
        config.dockerTimeouts,
        { network: config.network, pidsLimit: config.pidsLimit },
      );
    case 'sim':
      return new SimRuntime();
    default: {
      const unknown: never = config.driver;
      throw new Error(`unknown driver ${String(unknown)}`);
    }
  }
}
