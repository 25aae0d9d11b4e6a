/**
 * Loader options, per query: `select(Parent).options(selectinLoad(Parent, "children"))`. Each
 * names a path of relationships from an entity; the first step is checked by the compiler.
 */
import { ArgumentError } from "../../core/errors.js";
import type { StatementOption } from "../../core/statements/executable.js";
import type { BACK } from "../typing/checks.js";
import type { LoadStrategy } from "../mapping/relationship-spec.js";

type AnyClass = abstract new (...args: any[]) => object;

/** The relationship attributes of T (those typed `Rel<...>`). */
export type RelationshipKeys<T> = {
  [K in keyof T & string]: typeof BACK extends keyof NonNullable<T[K]> ? K : never;
}[keyof T & string];

/** How a relationship is loaded for one query: `selectinLoad`, `joinedLoad`, `lazyLoad`, `raiseLoad`. */
export interface LoaderOption extends StatementOption {
  readonly optionKind: "athanor.loader";
  readonly strategy: LoadStrategy;
  readonly entity: AnyClass;
  /** Relationship keys from the entity: ["childAssociations", "child"]. */
  readonly path: readonly string[];
}

function option(strategy: LoadStrategy, entity: AnyClass, path: readonly string[]): LoaderOption {
  if (path.length === 0) throw new ArgumentError(`${strategy}Load(${entity.name}) needs a relationship name.`);
  return Object.freeze({ optionKind: "athanor.loader" as const, strategy, entity, path });
}

/** One extra SELECT per relationship level, whatever the number of parents. */
export function selectinLoad<T extends object>(entity: abstract new (...args: any[]) => T, key: RelationshipKeys<T>, ...then: string[]): LoaderOption {
  return option("selectin", entity, [key, ...then]);
}

/** The relationship comes in the same statement, through a LEFT OUTER JOIN. */
export function joinedLoad<T extends object>(entity: abstract new (...args: any[]) => T, key: RelationshipKeys<T>, ...then: string[]): LoaderOption {
  return option("joined", entity, [key, ...then]);
}

/** Not loaded with the query; `await lazy(obj).key` loads it, batched with other loads of the same tick. */
export function lazyLoad<T extends object>(entity: abstract new (...args: any[]) => T, key: RelationshipKeys<T>): LoaderOption {
  return option("lazy", entity, [key]);
}

/** Not loaded, and loading it later is refused: forces an explicit loader option. */
export function raiseLoad<T extends object>(entity: abstract new (...args: any[]) => T, key: RelationshipKeys<T>): LoaderOption {
  return option("raise", entity, [key]);
}

export function isLoaderOption(o: StatementOption): o is LoaderOption {
  return o.optionKind === "athanor.loader";
}
