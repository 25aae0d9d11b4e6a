/** What a connection can execute: a statement tree, and (phantom) the type of its result rows. */
import type { StatementNode } from "../ast/nodes.js";

/** A statement that `Connection.execute` and `Session.execute` run; `Row` is the type of its result rows. */
export interface Executable<Row = Record<string, unknown>> {
  readonly node: StatementNode;
  /** Phantom: the result row type. */
  readonly __row?: Row;
}

/** Flattens intersections so that hovers show `{ id: number; name: string }`. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * An option a statement carries for the layer that executes it (e.g. the ORM's loader options).
 * Opaque to the Core: it neither renders nor inspects them.
 */
export interface StatementOption {
  readonly optionKind: string;
}
