import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { Public, Requires } from '@mammoth/platform';
import { ControlPlaneModule } from '../../control-plane.module';
import { InfraModule } from '../../infra/infra.module';
import { apiMethods, classesOf } from './declarations';

@Resolver()
class Forgotten {
  @Query(() => String)
  open(): string {
    return 'x';
  }

  @Query(() => String)
  @Requires('cluster:read')
  guarded(): string {
    return 'y';
  }
}

@Controller('x')
class ForgottenRoute {
  @Get()
  open(): string {
    return 'x';
  }

  @Get('p')
  @Public()
  probe(): string {
    return 'p';
  }
}

@Module({ providers: [Forgotten], controllers: [ForgottenRoute] })
class FixtureModule {}

describe('access declarations (deny by default)', () => {
  it('every GraphQL query, mutation and subscription and every REST route of the control plane declares its access', () => {
    const methods = apiMethods(classesOf({ module: ControlPlaneModule, imports: [InfraModule] }));
    expect(methods.filter((m) => !m.declared).map((m) => m.name)).toEqual([]);
    expect(methods.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'DeployAppResolver.deployApp',
        'EventsSubscriptionResolver.eventsFeed',
        'UploadPackageController.upload',
        'PackageBlobController.blob',
        'HealthController.live',
        'CreateTokenResolver.createToken',
      ]),
    );
  });

  it('finds an undeclared operation and route', () => {
    const methods = apiMethods(classesOf(FixtureModule));
    expect(methods).toEqual([
      { name: 'Forgotten.open', declared: false },
      { name: 'Forgotten.guarded', declared: true },
      { name: 'ForgottenRoute.open', declared: false },
      { name: 'ForgottenRoute.probe', declared: true },
    ]);
  });
});
