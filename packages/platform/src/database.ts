import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { redactUrl } from './config';
import { StartupError } from './startup';

/** The URL of database `name` on the server that `serverUrl` points at. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function unreachable(serverUrl: string, error: unknown): StartupError {
  const code = (error as { code?: string }).code;
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new StartupError(`cannot reach Postgres at DATABASE_URL=${redactUrl(serverUrl)} (${reason})`);
}

/** Creates the database if it does not exist yet; safe when several processes race. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw unreachable(serverUrl, error);
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
        // 42P04 duplicate_database, 23505 unique_violation: another process won the race.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

export interface DatabaseOptions {
  /** DATABASE_URL: the server and a database to connect to for administration. */
  serverUrl: string;
  /** The app's own database on that server. */
  database: string;
  entities: DataSourceOptions['entities'];
  migrations: DataSourceOptions['migrations'];
}

export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl(options.serverUrl, options.database),
    entities: options.entities,
    migrations: options.migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    // Migrations, /health and tests' ad-hoc reads only: the store layer has its own pool (sql.ts).
    extra: { max: 2, connectionTimeoutMillis: 5000 },
  };
}

/** An arbitrary constant: the advisory lock that serialises migrations of one database. */
const MIGRATION_LOCK = 7_460_001;

/**
 * Creates the app's database if needed, connects, and runs pending migrations while holding
 * an advisory lock, so two instances starting together do not migrate twice.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  await ensureDatabase(options.serverUrl, options.database);
  const dataSource = new DataSource(dataSourceOptions(options));
  try {
    await dataSource.initialize();
  } catch (error) {
    throw unreachable(options.serverUrl, error);
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}
