import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** AppliedState is the last lb-config version nginx was seen serving, kept across companion restarts. */
export interface AppliedState {
  readonly version: number;
  readonly hash: string;
  readonly appliedAt: string;
}

/** StateFile keeps AppliedState in a JSON file, replaced atomically (write, then rename) so a crash never leaves half of it. */
export class StateFile {
  constructor(private readonly path: string) {}

  /** read returns the stored state, or version 0 when there is none yet. */
  read(): AppliedState {
    try {
      const s = JSON.parse(readFileSync(this.path, 'utf8')) as AppliedState;
      if (Number.isInteger(s.version) && s.version >= 0 && typeof s.hash === 'string') return s;
    } catch {
      // no state yet (or unreadable): start from nothing, the subscription replays every version
    }
    return { version: 0, hash: 'none', appliedAt: new Date(0).toISOString() };
  }

  write(state: AppliedState): void {
    writeFileSync(`${this.path}.tmp`, JSON.stringify(state) + '\n');
    renameSync(`${this.path}.tmp`, this.path);
  }
}
