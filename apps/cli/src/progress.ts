import { Presets, SingleBar } from 'cli-progress';
import type { Io } from './context';

/** Progress shows how far long work is: a bar on a terminal, a line per tenth or new label otherwise (logs, pipes). */
export interface Progress {
  update(value: number, total: number, label: string): void;
  stop(): void;
}

/** createProgress makes the Progress for `title` on stderr (stdout keeps only results); `unit` renders amounts. */
export function createProgress(io: Io, title: string, unit: (n: number) => string = String): Progress {
  if (io.errStream?.isTTY) {
    const bar = new SingleBar(
      {
        format: `${title} [{bar}] {value}/{total} {label}`,
        stream: io.errStream,
        hideCursor: true,
        formatValue: (v, _options, type) => (type === 'value' || type === 'total' ? unit(v) : String(v)),
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(value, total, label) {
        if (!started) bar.start(total, value, { label });
        else {
          bar.setTotal(total);
          bar.update(value, { label });
        }
        started = true;
      },
      stop: () => bar.stop(),
    };
  }
  let last = '';
  return {
    update(value, total, label) {
      const tenth = total > 0 ? Math.floor((value / total) * 10) : 10;
      const key = `${tenth} ${total} ${label}`;
      if (key !== last) io.err(`${`${title}: ${unit(value)}/${unit(total)} ${label}`.trimEnd()}\n`);
      last = key;
    },
    stop: () => undefined,
  };
}
