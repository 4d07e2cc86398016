import { Field, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '@mammoth/platform';
import { FailureDetector } from './failure-detector.service';

/** FailureDetectorModel is the failureDetector query's answer. */
@ObjectType('FailureDetector', {
  description: "This control-plane process's failure detector: whether it holds the lease, and its limits.",
})
export class FailureDetectorModel {
  @Field() enabled: boolean;
  @Field({ description: 'Whether this process is the active failure detector (holds the lease).' }) active: boolean;
  @Field({ nullable: true }) activeSince?: string;
  @Field(() => Int) lostAfterMs: number;
  @Field(() => Int) gcAfterMs: number;
  @Field(() => Int, { description: 'Nodes this process has heard heartbeats from.' }) nodesHeard: number;
}

/** FailureDetectorResolver answers which process is the active failure detector. */
@Resolver(() => FailureDetectorModel)
export class FailureDetectorResolver {
  constructor(private readonly detector: FailureDetector) {}

  @Query(() => FailureDetectorModel, { description: "The answering control-plane process's failure detector." })
  @Requires('cluster:read')
  failureDetector(): FailureDetectorModel {
    const s = this.detector.status();
    return { ...s, activeSince: s.activeSince ?? undefined };
  }
}
