import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

/** ProjectionModel is one consumer of the log as the projections query shows it. */
@ObjectType('Projection', {
  description:
    'A consumer of the event log: a projector read model (from Kafka or from the event store) or the control plane cache.',
})
export class ProjectionModel {
  @Field() name: string;
  @Field({ description: 'kafka (reads topics), log (reads the event store in position order) or cache.' }) kind: string;
  @Field({ description: 'Kafka: messages consumed over all partitions; log and cache: the event store position.' })
  position: string;
  @Field(() => Float, {
    nullable: true,
    description:
      'How far behind the end it is: messages (kafka) or events (log, cache); null when Kafka does not answer.',
  })
  lag?: number;
  @Field({
    description:
      'running; blocked (streams wait behind parked events, the rest flows); stopped (a log projection halted).',
  })
  status: string;
  @Field({ nullable: true, description: 'Why it is blocked or stopped, or why the lag is unknown.' }) error?: string;
  @Field(() => Int, { description: 'Events parked because they could not be read.' }) parked: number;
  @Field(() => Int, { description: 'Events waiting behind a parked event of their stream.' }) waiting: number;
}
