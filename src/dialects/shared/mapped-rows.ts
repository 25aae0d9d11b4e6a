/**
 * Rows mapped one by one as a driver's parser emits them (`ExecuteOptions.mapRow`). An error of
 * the mapper is kept, the rest of the result read and dropped, and the error thrown once the
 * result has ended: the driver's protocol handling must not see it, and the connection stays in
 * step with the server.
 */
export class MappedRows {
  readonly rows: unknown[] = [];
  private failed: { readonly error: unknown } | undefined;

  constructor(private readonly mapRow: (row: any) => unknown) {}

  /** Maps one row, unless the mapper has already failed. */
  add(row: unknown): void {
    if (this.failed !== undefined) return;
    try {
      this.rows.push(this.mapRow(row));
    } catch (error) {
      this.failed = { error };
    }
  }

  /** The mapped rows, or the mapper's error thrown. */
  result(): unknown[] {
    if (this.failed !== undefined) throw this.failed.error;
    return this.rows;
  }
}
