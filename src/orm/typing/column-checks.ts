// Type-level checks of column declarations: the attribute's type must be the column's value type, null included iff nullable.
import type { ColumnBuilder, GivenKey } from "../../core/schema/column-builder.js";
import type { Decimal } from "../../core/types/sql-type.js";
import type { GIVEN } from "./checks.js";
import type { Err, IsUnion, Join, Same, Where } from "./type-utils.js";

/**
 * `true` when `@column(builder)` on attribute `N: V` of class `This` is sound, else the message.
 *
 * 1. Without null, the attribute's type equals the column's value type `T` (mutual
 *    assignability: rows load as `T`, and the attribute is written back as the column's value).
 *    `undefined` is refused: a loaded column is `null`, never `undefined`. An `any` value type
 *    (a `columnOfType` of an untyped SqlType) accepts any attribute type.
 * 2. The attribute includes `null` if and only if the column is nullable, which Core builders are
 *    unless `.notNull()` or `.primaryKey()`.
 * 3. See `CheckGiven`.
 */
export type ColumnCheck<B, This, V, N extends string> =
  B extends ColumnBuilder<infer T, infer Nullable, any, infer F>
    ? CheckValueType<T, Nullable, This, V, N> extends infer R
      ? [R] extends [true] ? CheckGiven<T, F, This, V, N> : R
      : never
    : true;

/**
 * 3. A key the database does not generate is declared `Given<T>` (so that `create()` requires
 *    it), and only such a key is. Builders typed `string` flags (an annotation, not a chain of
 *    calls) are not checked.
 */
type CheckGiven<T, F extends string, This, V, N extends string> =
  string extends F
    ? true
    : GivenKey<T, F> extends true
      ? typeof GIVEN extends keyof NonNullable<V>
        ? true
        : Err<`${Where<This, N>}: the database does not generate this key, so each new object must be given it; declare it as Given<${DeclaredName<T>}> (create() then requires it), or give the column a client-side default (.default(...))`>
      : typeof GIVEN extends keyof NonNullable<V>
        ? Err<`${Where<This, N>}: Given<...> is for a key the database does not generate, and this column is generated, defaulted, filled by a relationship or no key; declare it as ${DeclaredName<T>}`>
        : true;

type DeclaredName<T> = [TypeName<T>] extends [never] ? "T" : TypeName<T>;

type IsAny<T> = 0 extends 1 & T ? true : false;

type CheckValueType<T, Nullable extends boolean, This, V, N extends string> =
  IsAny<T> extends true
    ? CheckNullability<T, Nullable, This, V, N>
    : Same<Exclude<V, null>, T> extends true
      ? CheckNullability<T, Nullable, This, V, N>
      : undefined extends V
        ? Err<`${Where<This, N>}: a loaded column is never undefined (a missing value is null); declare it as ${Declared<T, Nullable>}`>
        : [TypeName<T>] extends [never]
          ? Err<`${Where<This, N>}: the attribute's type is not the column's value type; declare the attribute with the column's type${Nullable extends true ? ", | null included" : ""}, or give the column the attribute's type (json<T>() takes it as a type argument)`>
          : Err<`${Where<This, N>}: the column holds ${TypeName<T>} values, but the attribute is typed otherwise; declare it as ${Declared<T, Nullable>}, or change the column type`>;

type CheckNullability<T, Nullable extends boolean, This, V, N extends string> =
  boolean extends Nullable
    ? true // a builder whose nullability is not known statically
    : Nullable extends true
      ? null extends V
        ? true
        : Err<`${Where<This, N>}: the column is nullable, but the attribute's type does not include null; declare it as ${Declared<T, true>}, or make the column .notNull()`>
      : null extends V
        ? Err<`${Where<This, N>}: the column is NOT NULL (.notNull() or .primaryKey()), but the attribute's type includes null; declare it as ${Declared<T, false>}, or make the column nullable`>
        : true;

/** The attribute type to declare, as shown in a fix: `number | null`. */
type Declared<T, Nullable extends boolean> = Nullable extends true ? `${TypeName<T>} | null` : TypeName<T>;

/** A readable name for the common value types (a small union of string literals is spelled out); never for others. */
type TypeName<T> =
  [T] extends [Decimal] ? "Decimal"
  : [T] extends [string]
    ? string extends T ? "string" : LiteralUnion<T>
    : [T] extends [number] ? "number"
    : [T] extends [bigint] ? "bigint"
    : [T] extends [boolean] ? "boolean"
    : [T] extends [Date] ? "Date"
    : [T] extends [Uint8Array] ? "Uint8Array"
    : never;

/** `"a" | "b"` → the text `'a' | 'b'`, for enum columns; unions of more than 8 are not spelled out. */
type LiteralUnion<T> = [T] extends [string]
  ? true extends IsUnion<T>
    ? Join<T> extends infer J extends string
      ? J extends `${string}, ${string}, ${string}, ${string}, ${string}, ${string}, ${string}, ${string}, ${string}` ? "the enum's values" : Replace<J, "', '", "' | '">
      : never
    : `'${T}'`
  : never;

type Replace<S extends string, From extends string, To extends string> = S extends `${infer A}${From}${infer Rest}` ? `${A}${To}${Replace<Rest, From, To>}` : S;
