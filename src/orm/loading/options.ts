/**
 * Loader options, per query: `select(Parent).options(selectinLoad(Parent, "children"))`. Each
 * names a path of relationships from an entity; the first step is checked by the compiler.
 */
import { ArgumentError } from "../../core/errors.js";
import type { StatementOption } from "../../core/statements/executable.js";
import type { BACK, WriteOnlyMark } from "../typing/checks.js";
import type { LoadStrategy } from "../mapping/relationship-spec.js";
import type { ColumnKeys } from "../entity.js";
import { mapperOfClass } from "../mapped.js";
import { defer, type ColumnLoaderOption } from "./column-options.js";

type AnyClass = abstract new (...args: any[]) => object;

/** The relationship attributes of T that a query can load (those typed `Rel<...>`, write-only collections excluded). */
export type RelationshipKeys<T> = {
  [K in keyof T & string]: typeof BACK extends keyof NonNullable<T[K]> ? (NonNullable<T[K]> extends WriteOnlyMark<unknown> ? never : K) : never;
}[keyof T & string];

/** The model a relationship attribute of T leads to (a collection's element type). */
export type TargetOf<T, K extends keyof T> = NonNullable<T[K]> extends readonly (infer E)[] ? E : NonNullable<T[K]>;

/**
 * How a relationship is loaded for one query: `selectinLoad`, `joinedLoad`, `lazyLoad`,
 * `raiseLoad`. Chained, it says how the next level loads: `selectinLoad(Author, "books")
 * .joinedLoad("reviews")` (the reviews come by a JOIN inside the select-in query).
 */
export interface LoaderOption<T = any> extends StatementOption {
  readonly optionKind: "athanor.loader";
  /** How the last relationship of the path loads. */
  readonly strategy: LoadStrategy;
  /** Where the path starts; undefined for a query-wide `raiseLoad("*")`. */
  readonly entity: AnyClass | undefined;
  /** Relationship keys from the entity: ["childAssociations", "child"]; "*" last for a wildcard. */
  readonly path: readonly string[];
  /** How each step of the path loads, where a chain said so (else selectin on the way, `strategy` last). */
  readonly steps: readonly (LoadStrategy | undefined)[];
  /**
   * The next level, loaded by select-in: one more SELECT ... WHERE key IN (...) for all the
   * objects of this level.
   *
   * ```ts
   * select(User).options(selectinLoad(User, "posts").selectinLoad("comments")); // users, then posts, then comments: 3 SELECTs
   * ```
   */
  selectinLoad<K extends RelationshipKeys<T>>(key: K): LoaderOption<TargetOf<T, K>>;
  /**
   * The next level, by a LEFT OUTER JOIN (inside the select-in query when this level is select-in).
   *
   * ```ts
   * select(User).options(selectinLoad(User, "posts").joinedLoad("category")); // the posts' SELECT joins categories
   * ```
   */
  joinedLoad<K extends RelationshipKeys<T>>(key: K): LoaderOption<TargetOf<T, K>>;
  /**
   * The next level, left to load lazily (`await lazy(obj).key`), whatever the relationship's default.
   *
   * ```ts
   * select(User).options(selectinLoad(User, "posts").lazyLoad("tags")); // posts now, their tags on demand
   * ```
   */
  lazyLoad(key: RelationshipKeys<T>): LoaderOption<T>;
  /**
   * The next level (one relationship, or "*" for every one not named otherwise) refuses to load:
   * reading it unloaded raises `RelationshipNotLoadedError` instead of sending a query.
   *
   * ```ts
   * select(User).options(selectinLoad(User, "posts").raiseLoad("*")); // no query hides behind a post's relationships
   * ```
   */
  raiseLoad(key: RelationshipKeys<T> | "*"): LoaderOption<T>;
}

function option(strategy: LoadStrategy, entity: AnyClass | undefined, path: readonly string[], steps: readonly (LoadStrategy | undefined)[] = []): LoaderOption {
  if (path.length === 0) throw new ArgumentError(`${strategy}Load(${entity?.name}) needs a relationship name.`);
  const next = (s: LoadStrategy) => (key: string) => {
    if (path[path.length - 1] === "*") throw new ArgumentError(`${strategy}Load("*") cannot be followed by another level.`);
    return option(s, entity, [...path, key], [...path.map((_, i) => steps[i] ?? (i === path.length - 1 ? strategy : undefined)), s]);
  };
  const chain = { selectinLoad: next("selectin"), joinedLoad: next("joined"), lazyLoad: next("lazy"), raiseLoad: next("raise") };
  return Object.freeze({ optionKind: "athanor.loader" as const, strategy, entity, path, steps, ...chain }) as LoaderOption;
}

/**
 * One extra SELECT per relationship level, whatever the number of parents; `then` names the
 * relationships to load from the targets in turn.
 *
 * ```ts
 * const users = await session.scalars(select(User).options(selectinLoad(User, "posts", "comments")));
 * // 3 statements: users, their posts, the posts' comments
 * ```
 */
export function selectinLoad<T extends object, K extends RelationshipKeys<T>>(entity: abstract new (...args: any[]) => T, key: K, ...then: string[]): LoaderOption<TargetOf<T, K>> {
  return option("selectin", entity, [key, ...then]);
}

/**
 * The relationship comes in the same statement, through a LEFT OUTER JOIN.
 *
 * ```ts
 * const comments = await session.scalars(select(Comment).options(joinedLoad(Comment, "author")));
 * comments[0]?.author.email; // loaded: no statement
 * ```
 */
export function joinedLoad<T extends object, K extends RelationshipKeys<T>>(entity: abstract new (...args: any[]) => T, key: K, ...then: string[]): LoaderOption<TargetOf<T, K>> {
  return option("joined", entity, [key, ...then]);
}

/**
 * Not loaded with the query; `await lazy(obj).key` loads it, batched with other loads of the same tick.
 *
 * ```ts
 * const posts = await session.scalars(select(Post).options(lazyLoad(Post, "tags")));
 * const tagsOfEach = await Promise.all(posts.map((p) => lazy(p).tags)); // one SELECT for all
 * ```
 */
export function lazyLoad<T extends object>(entity: abstract new (...args: any[]) => T, key: RelationshipKeys<T>): LoaderOption<T> {
  return option("lazy", entity, [key]);
}

/**
 * Not loaded, and loading it later is refused: forces an explicit loader option. `raiseLoad("*")`
 * does so for every relationship of every object of the result (at every level it loads) that no
 * other option names, overriding the mappings' defaults, eager ones too.
 *
 * ```ts
 * const posts = await session.scalars(select(Post).options(selectinLoad(Post, "tags"), raiseLoad("*")));
 * posts[0]?.tags;                 // loaded
 * await lazy(posts[0]!).comments; // RelationshipNotLoadedError: no query hides in a loop
 * ```
 */
export function raiseLoad(wildcard: "*"): LoaderOption;
export function raiseLoad<T extends object>(entity: abstract new (...args: any[]) => T, key: RelationshipKeys<T> | "*"): LoaderOption<T>;
/** On a column: `defer(entity, key, { raiseLoad: true })` (column-options.ts). */
export function raiseLoad<T extends object, const K extends ColumnKeys<T>>(entity: abstract new (...args: any[]) => T, key: K): ColumnLoaderOption<T, K>;
export function raiseLoad(entity: AnyClass | "*", key?: string): LoaderOption | ColumnLoaderOption<any, any> {
  if (entity !== "*" && mapperOfClass(entity)?.columns.has(key!)) return defer(entity as never, key as never, { raiseLoad: true });
  return entity === "*" ? option("raise", undefined, ["*"]) : option("raise", entity, [key!]);
}

export function isLoaderOption(o: StatementOption): o is LoaderOption {
  return o.optionKind === "athanor.loader";
}
