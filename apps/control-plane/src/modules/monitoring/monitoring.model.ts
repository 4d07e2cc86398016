import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('MetricsLabel', { description: 'One label of a metrics target or an alert.' })
export class MetricsLabelModel {
  @Field() key: string;
  @Field() value: string;
}

@ObjectType('MetricsTarget', {
  description: 'A Mammoth process Prometheus scrapes: its job (control-plane, projector, node-daemon) and host:port.',
})
export class MetricsTargetModel {
  @Field() job: string;
  @Field() address: string;
  @Field(() => [MetricsLabelModel]) labels: MetricsLabelModel[];
}

@ObjectType('Alert', { description: 'An alert Prometheus evaluates from the rules Mammoth ships.' })
export class AlertModel {
  @Field({ description: 'The alert rule, e.g. AppBelowDesired.' }) name: string;
  @Field({ description: 'firing, or pending (true, but not yet for the rule duration).' }) state: string;
  @Field({ nullable: true }) severity?: string;
  @Field({ nullable: true, description: 'What is wrong, from the rule annotation.' }) summary?: string;
  @Field(() => [MetricsLabelModel]) labels: MetricsLabelModel[];
  @Field({ nullable: true, description: 'Since when the condition holds (ISO time).' }) activeAt?: string;
  @Field({ nullable: true, description: 'The value of the rule expression.' }) value?: string;
}
