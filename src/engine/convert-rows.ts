/** Converting a result's values in place, as each column's type reads them, and shaping it as asked. */
import type { CompiledQuery, ValueProcessor } from "../core/compiler/compiled-query.js";
import type { DriverResult, ExecuteOptions } from "./driver.js";
import { DataError } from "../core/errors.js";
import { Result } from "./result.js";

/** Rows that are the first column's values: that column's conversion, if it has one. */
export function convertValuesInPlace(values: unknown[], processors: readonly (readonly [number, ValueProcessor])[]): void {
  const process = processors.find(([index]) => index === 0)?.[1];
  if (process === undefined) return;
  try {
    for (let i = 0; i < values.length; i++) if (values[i] !== null && values[i] !== undefined) values[i] = process(values[i]);
  } catch (error) {
    throw naming(error, 0);
  }
}

type Processors = readonly (readonly [string | number, ValueProcessor])[];

/** The conversions of a result's rows: by column label for object rows, by position for arrays. */
export function processorsFor(compiled: CompiledQuery, shape: ExecuteOptions["rowShape"]): Processors {
  return shape === "arrays" ? compiled.resultProcessorsByIndex : compiled.resultProcessors;
}

/**
 * Applies each column's conversion to every row, in place. Indexed loops and no destructuring:
 * this runs once per value read, often before V8 has optimized it, when `for...of` and `[a, b] =`
 * each cost an iterator call.
 */
export function convertInPlace(rows: any[], processors: Processors): void {
  for (let r = 0; r < rows.length; r++) convertRowInPlace(rows[r], processors);
}

/** `convertInPlace` for one row. */
function convertRowInPlace(row: any, processors: Processors): void {
  let p = 0;
  try {
    for (; p < processors.length; p++) {
      const key = processors[p]![0];
      const value = row[key];
      if (value !== null && value !== undefined) row[key] = processors[p]![1](value);
    }
  } catch (error) {
    throw naming(error, processors[p]![0]);
  }
}

/** A value a reader refused (a `DataError`: it holds no value of the column's type), naming the result column it came in. */
function naming(error: unknown, key: string | number): unknown {
  if (error instanceof DataError) error.message = `Result column ${typeof key === "number" ? `#${key + 1}` : `"${key}"`}: ${error.message}`;
  return error;
}

/** What an `ExecuteOptions.mapRow` threw, carried through the driver untouched to the caller. */
export class RowMapperFailure extends Error {
  constructor(error: unknown) {
    super("row mapper failed", { cause: error });
  }
}

/** A driver's result as `executeCompiled` returns it: rows converted and shaped as asked. */
export function shapedResult<Row>(compiled: CompiledQuery, result: DriverResult, options: ExecuteOptions): Result<Row> {
  const rows = result.rows;
  const shape = options.rowShape ?? "objects";
  if (shape === "values") convertValuesInPlace(rows, compiled.resultProcessorsByIndex);
  else {
    const processors = processorsFor(compiled, shape);
    if (processors.length) convertInPlace(rows, processors);
  }
  // A driver that does not map rows as it reads them (see `DriverConnection.mapsRows`): mapped now.
  const mapRow = options.mapRow;
  if (mapRow !== undefined) for (let i = 0; i < rows.length; i++) rows[i] = mapRow(rows[i]);
  return new Result<Row>(rows as Row[], result.rowCount, result.lastInsertId);
}

/**
 * A statement whose rows a driver maps as it reads them (`DriverConnection.mapsRows`): it is
 * given the conversions and `mapRow` as one function. What `mapRow` throws comes out as thrown,
 * not as a database error (`send` passes a `RowMapperFailure` through untranslated).
 */
export function mappedWhileRead<Row>(
  compiled: CompiledQuery,
  options: ExecuteOptions,
  mapRow: (row: any) => unknown,
  send: (options: ExecuteOptions) => DriverResult | Promise<DriverResult>,
): Result<Row> | Promise<Result<Row>> {
  const processors = processorsFor(compiled, options.rowShape);
  const each = (row: any) => {
    try {
      if (processors.length) convertRowInPlace(row, processors);
      return mapRow(row);
    } catch (error) {
      throw new RowMapperFailure(error);
    }
  };
  const mapped = (result: DriverResult) => new Result<Row>(result.rows as Row[], result.rows.length, undefined);
  const unwrapped = (error: unknown) => (error instanceof RowMapperFailure ? error.cause : error);
  let answer: DriverResult | Promise<DriverResult>;
  try {
    answer = send({ ...options, mapRow: each });
  } catch (error) {
    throw unwrapped(error);
  }
  return answer instanceof Promise ? answer.then(mapped, (error: unknown) => Promise.reject(unwrapped(error))) : mapped(answer);
}
