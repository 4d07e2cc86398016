import { connect, createServer, Server, Socket } from 'node:net';

/**
 * DockerSocketProxy is a Unix socket in front of a Docker engine socket that a test can freeze: while frozen it accepts
 * connections and reads requests but forwards nothing and answers nothing, as a dockerd stopped with SIGSTOP does (the
 * kernel still accepts on its listening socket). `target` null makes an engine that never answers at all.
 */
export class DockerSocketProxy {
  private readonly server: Server;
  private readonly held = new Set<Socket>();
  private frozen: boolean;

  constructor(
    readonly path: string,
    private readonly target: string | null,
  ) {
    this.frozen = target === null;
    this.server = createServer((client) => this.accept(client));
  }

  /** open is how many client connections are open: a caller that gave up on a hung call has closed its own. */
  get open(): number {
    return this.held.size;
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.path, resolve));
  }

  /** freeze stops forwarding: new connections hang, and so do requests on connections already open. */
  freeze(): void {
    this.frozen = true;
  }

  /** thaw forwards new connections again (the hung ones stay hung, as callers have given up on them anyway). */
  thaw(): void {
    if (this.target !== null) this.frozen = false;
  }

  async close(): Promise<void> {
    for (const s of this.held) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket): void {
    this.held.add(client);
    client.on('close', () => this.held.delete(client));
    client.on('error', () => client.destroy());
    if (this.frozen || this.target === null) return void client.resume();
    const engine = connect(this.target);
    engine.on('error', () => client.destroy());
    client.on('data', (chunk) => {
      if (!this.frozen) engine.write(chunk);
    });
    engine.on('data', (chunk) => {
      if (!this.frozen) client.write(chunk);
    });
    client.on('close', () => engine.destroy());
    engine.on('close', () => client.destroy());
  }
}
