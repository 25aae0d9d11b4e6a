/** The output of compilation: SQL text, parameter values in placeholder order, result conversions. */
import type { SqlType } from "../types/sql-type.js";

export type ValueProcessor = (value: any) => unknown;

export interface ResultColumn {
  readonly key: string;
  readonly type: SqlType | undefined;
}

export interface CompiledQuery {
  readonly sql: string;
  /** Parameter values, already converted for the driver. */
  readonly params: unknown[];
  readonly resultColumns: readonly ResultColumn[];
  /** Conversions from driver values, for the result columns that need one, by key (object rows). */
  readonly resultProcessors: readonly (readonly [string, ValueProcessor])[];
  /** The same conversions by column position (array rows). */
  readonly resultProcessorsByIndex: readonly (readonly [number, ValueProcessor])[];
}
