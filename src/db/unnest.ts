import { getTableColumns, type SQL, sql, type Table } from "drizzle-orm";

/**
 * An array parameter of a batch statement. Each is sent as text[] and cast by the server: both drivers
 * serialise a text array the same way, while their handling of typed arrays (timestamptz[], boolean[]) differs.
 */
export function arrayParam(name: string, type: string): SQL {
  return sql`${sql.placeholder(name)}::text[]::${sql.raw(type)}[]`;
}

/**
 * The SELECT of an `INSERT … SELECT` that writes a whole batch of rows from arrays (`unnest`), so a
 * burst of clicks becomes one statement. Drizzle inserts a raw select into every column in the table's
 * order; naming each column's expression here keeps that order the schema's business, not the caller's.
 */
export function selectInColumnOrder<T extends Table>(
  table: T,
  expressions: { [K in keyof T["$inferInsert"]]-?: SQL },
  from: SQL,
): SQL {
  const columns = Object.keys(getTableColumns(table)) as (keyof T["$inferInsert"])[];
  return sql`select ${sql.join(
    columns.map((c) => expressions[c]),
    sql`, `,
  )} from ${from}`;
}
