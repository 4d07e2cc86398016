import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { graphiqlRedirect } from './graphiql-redirect';

/** API_PATHS are the server's own routes, which never fall back to the console's index.html. */
const API_PATHS = ['/graphql{/*rest}', '/packages{/*rest}', '/healthz', '/readyz', '/assets{/*rest}'];

/**
 * ConsoleModule serves the web console's static files at `/`, any other path outside the API falling back to its
 * index.html (the console routes in the browser), and sends a browser opening /graphql to the console's GraphiQL.
 */
@Module({
  imports: [
    ServeStaticModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (c: ControlPlaneConfig) => {
        if (!existsSync(join(c.console.dir, 'index.html')))
          new Logger('console').warn(`no console build at ${c.console.dir} (scripts/build.sh makes it); / answers 404`);
        return [{ rootPath: c.console.dir, exclude: API_PATHS, serveStaticOptions: { maxAge: '1h' } }];
      },
    }),
  ],
})
export class ConsoleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(graphiqlRedirect).forRoutes({ path: 'graphql', method: RequestMethod.GET });
  }
}
