import { ApplyTarget, RejectedConfig } from '../apply/applier';
import { Nginx, NginxError } from './nginx';
import { confFiles, LbVersion } from './nginx-conf';

/**
 * NginxTarget applies one lb-config version to nginx: it stages the files and has `nginx -t` check them, moves them into
 * place, reloads the master gracefully (or starts it if it is not running), and returns once a new connection is served
 * with the new version, so "applied" means nginx routes by it.
 */
export class NginxTarget implements ApplyTarget {
  constructor(
    private readonly nginx: Nginx,
    private readonly listen: { host: string; port: number; workerShutdownTimeout: string },
  ) {}

  async apply(v: LbVersion): Promise<void> {
    const files = confFiles(v, this.listen);
    try {
      await this.nginx.stage(files);
    } catch (err) {
      if (err instanceof NginxError && err.exitCode !== null) throw new RejectedConfig(err.message);
      throw err;
    }
    this.nginx.install(files);
    if (this.nginx.pid() === null) await this.nginx.start();
    else await this.nginx.reload();
    await this.nginx.waitServing(v.version);
  }
}
