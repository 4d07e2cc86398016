import { runMigrations } from './data-source';

/** Runs every pending migration against DATABASE_URL. */
runMigrations(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mammoth')
  .then(() => console.log('migrations: up to date'))
  .catch((err) => {
    console.error(`migrations failed: ${(err as Error).message}`);
    process.exit(1);
  });
