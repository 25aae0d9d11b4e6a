/**
 * `create(Model, values)`: a new object with its attributes set, typed so that the compiler
 * requires every key the database does not generate (declared `Given<T>`), and checks the names
 * and types of the others. `new Model()` cannot say so: every model has the zero-argument
 * constructor of DeclarativeBase, and a decorator cannot change a class's constructor type.
 */
import { UnmappedClassError } from "./errors.js";
import { mapperOfClass } from "./mapped.js";
import type { GIVEN, WriteOnlyMark } from "./typing/checks.js";

/** The attributes of M that can be given: not methods, nor write-only collections (changed with their add()). */
type Settable<M> = { [K in keyof M & string]: M[K] extends Function | WriteOnlyMark<unknown> ? never : K }[keyof M & string];

/** The attributes declared `Given<T>`: keys each new object must be given. */
type GivenAttributes<M> = { [K in Settable<M>]: typeof GIVEN extends keyof NonNullable<M[K]> ? K : never }[Settable<M>];

/** What `create(Model, values)` takes: every `Given` key, and any of the other attributes. */
export type NewValues<M> = { [K in GivenAttributes<M>]-?: M[K] } & { [K in Exclude<Settable<M>, GivenAttributes<M>>]?: M[K] };

/**
 * A new (transient) object of a mapped class with `values` assigned, as `Object.assign(new
 * Model(), values)` does, but typed: `create(Country, { name: "France" })` does not compile when
 * `Country.code` is declared `Given<string>`. Add it to a session to insert it.
 *
 * ```ts
 * const author = create(User, { email: "ada@example.com", name: "Ada" });
 * session.add(create(Post, { title: "Notes on the Engine", author }));
 * await session.commit();
 * ```
 */
export function create<M extends object>(cls: new () => M, values: NewValues<M>): M {
  if (!mapperOfClass(cls)) throw new UnmappedClassError(`create(): class ${cls.name} is not mapped.`);
  return Object.assign(new cls(), values);
}
