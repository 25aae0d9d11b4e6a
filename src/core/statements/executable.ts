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

/** Phantom key of an object type an option left attributes out of: their types, for putting them back. */
export declare const LEFT_OUT: unique symbol;

/** `V` without the attributes `K`, which `[LEFT_OUT]` remembers (for `session.load(obj, ...K)`). */
export type LeftOut<V, K extends PropertyKey> = Omit<V, K> & { readonly [LEFT_OUT]?: Pick<V, K & keyof V> };

/** `T` with the attributes options left out of its type put back (for loading them). */
export type Restored<T> = T extends { readonly [LEFT_OUT]?: infer L } ? T & NonNullable<L> : T;

/**
 * The attributes option `O` leaves out of values of type `V`: an option that says so with a
 * phantom `__omits: [Entity, Keys]` (the ORM's `defer`, `loadOnly`) for values of its entity.
 */
type OmittedBy<V, O> = "__omits" extends keyof O
  ? O extends { readonly __omits?: readonly [infer E, infer K extends PropertyKey] }
    ? [V] extends [E] ? K : [E] extends [V] ? K : never
    : never
  : never;

/** The type of a result value once statement options `O` applied: entities lose the attributes they leave out. */
export type WithOptions<V, O extends readonly unknown[]> = V extends object
  ? [OmittedBy<V, O[number]>] extends [never]
    ? V
    : LeftOut<V, OmittedBy<V, O[number]>>
  : V;
