import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { graphiqlRedirect } from './graphiql-redirect';

/** consoleRoot is the built web console: CONSOLE_DIR, else dist/console beside the compiled apps. */
export function consoleRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.CONSOLE_DIR ?? join(__dirname, '..', '..', '..', '..', '..', 'console');
}

const root = consoleRoot();
if (!existsSync(join(root, 'index.html')))
  new Logger('console').warn(`no console build at ${root} (scripts/build.sh makes it); / will answer 404`);

/**
 * ConsoleModule serves the web console's static files at `/`, any other path outside the API falling back to its
 * index.html (the console routes in the browser), and sends a browser opening /graphql to the console's GraphiQL.
 */
@Module({
  imports: [
    ServeStaticModule.forRoot({
      rootPath: root,
      exclude: ['/graphql{/*rest}', '/packages{/*rest}', '/assets{/*rest}'],
      serveStaticOptions: { index: 'index.html', maxAge: '1h' },
    }),
  ],
})
export class ConsoleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(graphiqlRedirect).forRoutes({ path: 'graphql', method: RequestMethod.GET });
  }
}
