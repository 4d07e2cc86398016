import { Inject, Injectable } from '@nestjs/common';
import { BackgroundLoop, LoopSpec, LoopStatus } from '../common/background-loop';
import { Random, RANDOM } from './random';

/** Loops makes the process's background loops, jittered by its one Random, and lists them for a health check. */
@Injectable()
export class Loops {
  private readonly all: BackgroundLoop<unknown>[] = [];

  constructor(@Inject(RANDOM) private readonly random: Random) {}

  /** create makes a loop (not started) and keeps it listed. */
  create<T>(spec: Omit<LoopSpec<T>, 'random'>): BackgroundLoop<T> {
    const loop = new BackgroundLoop<T>({ ...spec, random: this.random });
    this.all.push(loop as BackgroundLoop<unknown>);
    return loop;
  }

  /** status lists every loop made, failing or not. */
  status(): LoopStatus[] {
    return this.all.map((l) => l.status());
  }
}
