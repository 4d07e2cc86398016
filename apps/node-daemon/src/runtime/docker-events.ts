import Docker from 'dockerode';

/** DockerEvent is the part of a Docker engine event the daemon reads. */
export interface DockerEvent {
  readonly id?: string;
  readonly status?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Readonly<Record<string, string>> };
}

const RECONNECT_MS = 1000;

/** parseLine reads one line of the event stream; anything that is not a JSON object is skipped. */
function parseLine(line: string): DockerEvent | null {
  try {
    return line ? (JSON.parse(line) as DockerEvent) : null;
  } catch {
    return null;
  }
}

/** watchDockerEvents follows the engine's event stream with the given filters, reconnecting whenever it breaks, until the returned function is called. */
export function watchDockerEvents(
  docker: Docker,
  filters: Record<string, string[]>,
  onEvent: (e: DockerEvent) => void,
): () => void {
  let closed = false;
  let current: NodeJS.ReadableStream | null = null;
  let timer: NodeJS.Timeout | null = null;

  const reconnect = () => {
    current = null;
    if (!closed && !timer) timer = setTimeout(connect, RECONNECT_MS);
  };
  const connect = () => {
    timer = null;
    docker.getEvents({ filters: JSON.stringify(filters) }).then((stream) => {
      if (closed) return (stream as unknown as { destroy(): void }).destroy();
      current = stream;
      let buf = '';
      stream.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          const event = parseLine(line);
          if (event) onEvent(event);
        }
      });
      stream.on('error', reconnect);
      stream.on('end', reconnect);
    }, reconnect);
  };
  connect();
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    (current as unknown as { destroy?: () => void } | null)?.destroy?.();
  };
}
