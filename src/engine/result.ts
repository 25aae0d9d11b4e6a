import { MultipleResultsFoundError, NoResultFoundError } from "../core/errors.js";

/** The rows of an executed statement, with the usual one/first/scalar accessors. */
export class Result<Row> {
  constructor(
    readonly rows: Row[],
    /** Rows changed by INSERT/UPDATE/DELETE (as the driver counts them), or returned. */
    readonly rowCount: number,
    /** The generated key of the (first) inserted row, where the driver reports one. */
    readonly lastInsertId: number | bigint | undefined,
  ) {}

  /**
   * Every row (the same array as `rows`).
   *
   * ```ts
   * const rows = (await engine.execute(select(users.c.id, users.c.name))).all(); // { id: number; name: string | null }[]
   * ```
   */
  all(): Row[] {
    return this.rows;
  }

  /**
   * The first row, or undefined when there is none (the others are ignored).
   *
   * ```ts
   * const newest = (await engine.execute(select(orders.c.id).orderBy(orders.c.placedAt.desc()).limit(1))).first();
   * ```
   */
  first(): Row | undefined {
    return this.rows[0];
  }

  /**
   * Exactly one row: none raises `NoResultFoundError`, more than one `MultipleResultsFoundError`.
   *
   * ```ts
   * const user = (await engine.execute(select(users).where(users.c.email.eq("ann@example.com")))).one();
   * ```
   */
  one(): Row {
    if (this.rows.length === 0) throw new NoResultFoundError("Expected one row, found none.");
    if (this.rows.length > 1) throw new MultipleResultsFoundError(`Expected one row, found ${this.rows.length}.`);
    return this.rows[0]!;
  }

  /**
   * The one row, or null when there is none; more than one raises `MultipleResultsFoundError`.
   *
   * ```ts
   * const user = (await engine.execute(select(users).where(users.c.id.eq(7)))).oneOrNull(); // Row | null
   * ```
   */
  oneOrNull(): Row | null {
    if (this.rows.length > 1) throw new MultipleResultsFoundError(`Expected at most one row, found ${this.rows.length}.`);
    return this.rows[0] ?? null;
  }

  /**
   * The first column of each row.
   *
   * ```ts
   * const ids = (await engine.execute(select(users.c.id).orderBy(users.c.id))).scalars(); // number[]
   * ```
   */
  scalars(): Row[keyof Row][] {
    return this.rows.map((row) => firstValue(row) as Row[keyof Row]);
  }
}

export function firstValue(row: unknown): unknown {
  for (const key in row as object) return (row as Record<string, unknown>)[key];
  return undefined;
}
