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

  /** Every row. */
  all(): Row[] {
    return this.rows;
  }

  /** The first row, or undefined when there is none. */
  first(): Row | undefined {
    return this.rows[0];
  }

  /** Exactly one row, or `NoResultFoundError` / `MultipleResultsFoundError`. */
  one(): Row {
    if (this.rows.length === 0) throw new NoResultFoundError("Expected one row, found none.");
    if (this.rows.length > 1) throw new MultipleResultsFoundError(`Expected one row, found ${this.rows.length}.`);
    return this.rows[0]!;
  }

  /** One row or none; more is `MultipleResultsFoundError`. */
  oneOrNull(): Row | null {
    if (this.rows.length > 1) throw new MultipleResultsFoundError(`Expected at most one row, found ${this.rows.length}.`);
    return this.rows[0] ?? null;
  }

  /** The first column of each row. */
  scalars(): Row[keyof Row][] {
    return this.rows.map((row) => firstValue(row) as Row[keyof Row]);
  }
}

export function firstValue(row: unknown): unknown {
  for (const key in row as object) return (row as Record<string, unknown>)[key];
  return undefined;
}
