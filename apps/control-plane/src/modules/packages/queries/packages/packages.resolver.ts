import { Field, Float, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Pool } from 'pg';
import { listPackages } from '@mammoth/read-models';
import { Requires } from '@mammoth/platform';

@ObjectType('Package', { description: 'One uploaded package version.' })
export class PackageModel {
  @Field() name: string;
  @Field() version: string;
  @Field() digest: string;
  @Field() format: string;
  @Field(() => Float) sizeBytes: number;
  @Field() imageRef: string;
  @Field() uploadedAt: string;
}

/** PackagesResolver lists the package repository from its read model. */
@Resolver(() => PackageModel)
export class PackagesResolver {
  constructor(private readonly pool: Pool) {}

  @Query(() => [PackageModel], { description: 'Every uploaded package version.' })
  @Requires('packages:read')
  async packages(): Promise<PackageModel[]> {
    return (await listPackages(this.pool)).map((p) => ({
      name: p.name,
      version: p.version,
      digest: p.digest,
      format: p.format,
      sizeBytes: p.size_bytes,
      imageRef: p.image_ref,
      uploadedAt: p.uploaded_at,
    }));
  }
}
