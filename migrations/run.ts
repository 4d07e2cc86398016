import { databaseConfig, loadOrExit, parseConfig } from '@mammoth/platform';
import { runMigrations } from './data-source';

/** Runs every pending migration against DATABASE_URL. */
const database = loadOrExit('migrations', () => parseConfig(databaseConfig(1), process.env));
runMigrations(database)
  .then(() => console.log('migrations: up to date'))
  .catch((err) => {
    console.error(`migrations failed: ${(err as Error).message}`);
    process.exit(1);
  });
