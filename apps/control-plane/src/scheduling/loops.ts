import { Inject, Injectable } from '@nestjs/common';
import { LoopBeats } from '@mammoth/platform';
import { BackgroundLoop, LoopSpec } from '../common/background-loop';
import { Random, RANDOM } from './random';

/**
 * Loops makes the process's background loops (pending placer, rollout, instance repair, failure detector), jittered by its
 * one Random and reporting every round to its LoopBeats, so /healthz fails naming a loop that stops going round or whose
 * rounds keep failing.
 */
@Injectable()
export class Loops {
  constructor(
    @Inject(RANDOM) private readonly random: Random,
    private readonly beats: LoopBeats,
  ) {}

  /** create makes a loop (not started) that, once started, is watched by the liveness probe until it is stopped. */
  create<T>(spec: Omit<LoopSpec<T>, 'random' | 'beats'>): BackgroundLoop<T> {
    return new BackgroundLoop<T>({ ...spec, random: this.random, beats: this.beats });
  }
}
