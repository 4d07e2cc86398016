import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsString } from 'class-validator';
import { LabelModel } from '../nodes/node.model';

@ObjectType('Token', { description: 'An API token; its secret is shown once, when it is created, and never kept.' })
export class TokenModel {
  @Field() id: string;
  @Field({ description: 'Who the token speaks for: the actor of every event its calls cause.' }) subject: string;
  @Field(() => [String]) policies: string[];
  @Field({ nullable: true }) expiresAt?: string;
  @Field({ nullable: true }) createdAt?: string;
  @Field({ nullable: true, description: 'The subject of the token that created it.' }) createdBy?: string;
  @Field({ nullable: true }) revokedAt?: string;
}

@ObjectType('CreatedToken', { description: 'A new token and its one showing of the secret to present.' })
export class CreatedTokenModel {
  @Field(() => TokenModel) token: TokenModel;
  @Field({ description: 'The bearer token (mmt_<id>_<secret>); Mammoth keeps only a hash and cannot show it again.' })
  secret: string;
}

@ObjectType('PolicyRule', { description: 'Capabilities (<kind>:<verb>, * wildcards) granted on resources (globs).' })
export class PolicyRuleModel {
  @Field(() => [String]) capabilities: string[];
  @Field(() => [String]) resources: string[];
}

@InputType({ description: 'Capabilities (<kind>:<verb>, * wildcards) granted on resources (globs over names).' })
export class PolicyRuleInput {
  @Field(() => [String]) @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) capabilities: string[];
  @Field(() => [String]) @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) resources: string[];
}

@ObjectType('Policy', { description: 'A named list of rules that tokens name.' })
export class PolicyModel {
  @Field() name: string;
  @Field(() => [PolicyRuleModel]) rules: PolicyRuleModel[];
  @Field({ description: 'Built-in policies (admin) cannot be changed or deleted.' }) builtin: boolean;
  @Field({ nullable: true }) updatedAt?: string;
}

@ObjectType('Whoami', { description: 'The caller as its token says.' })
export class WhoamiModel {
  @Field() subject: string;
  @Field() tokenId: string;
  @Field(() => [String]) policies: string[];
}

@ObjectType('JoinToken', { description: 'A one-time node join token; its secret is shown once and never kept.' })
export class JoinTokenModel {
  @Field() id: string;
  @Field() expiresAt: string;
  @Field(() => [LabelModel], { description: 'Labels the node that joins with it gets, over its own.' })
  labels: LabelModel[];
  @Field({ nullable: true }) createdAt?: string;
  @Field({ nullable: true }) createdBy?: string;
  @Field({ nullable: true }) revokedAt?: string;
  @Field({ nullable: true, description: 'When a node used it.' }) usedAt?: string;
  @Field({ nullable: true, description: 'The node that joined with it.' }) nodeId?: string;
  @Field({ nullable: true, description: 'The id of the credential that node received.' }) credentialId?: string;
}

@ObjectType('CreatedJoinToken', { description: 'A new join token and its one showing of the secret.' })
export class CreatedJoinTokenModel {
  @Field(() => JoinTokenModel) joinToken: JoinTokenModel;
  @Field({ description: 'The join token (mmj_<id>_<secret>) to hand to one node daemon as MAMMOTH_JOIN_TOKEN.' })
  secret: string;
}

@ObjectType('NodeCredential', { description: "A joined node's own credential, shown once to the node that joined." })
export class NodeCredentialModel {
  @Field() nodeId: string;
  @Field({ description: 'The subject of the credential: node:<id>.' }) subject: string;
  @Field() tokenId: string;
  @Field({ description: 'The bearer token (mmt_<id>_<secret>) the node presents from then on.' }) credential: string;
  @Field(() => [LabelModel]) labels: LabelModel[];
}
