import { Queryable, selectRows } from '../../row-store/rows';
import { AppRow, appsTable } from './apps';

/** listApps reads the apps that are not removed (every app with `includeRemoved`), only those named when `names` is given, by name. */
export function listApps(
  db: Queryable,
  opts: { readonly names?: readonly string[]; readonly includeRemoved?: boolean } = {},
): Promise<AppRow[]> {
  const where = [opts.includeRemoved ? null : `t.status <> 'removed'`, opts.names ? 't.name = ANY($1::text[])' : null];
  const clause = where.filter((w) => w !== null).join(' AND ');
  return selectRows<AppRow>(
    db,
    appsTable,
    `${clause ? `WHERE ${clause}` : ''} ORDER BY t.name`,
    opts.names ? [opts.names] : [],
    `rm-apps-list-${opts.includeRemoved ? 'all' : 'live'}${opts.names ? '-named' : ''}`,
  );
}

/** findApp reads one app by name, removed or not; null when the registry has no such app. */
export async function findApp(db: Queryable, name: string): Promise<AppRow | null> {
  const [row] = await selectRows<AppRow>(db, appsTable, 'WHERE t.name = $1', [name], 'rm-apps-find');
  return row ?? null;
}
