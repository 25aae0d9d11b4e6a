/**
 * `synchronizeSession: "evaluate"`: a bulk UPDATE/DELETE's WHERE turned into a test run on the
 * objects of the identity map. Only what JavaScript decides exactly as SQL does: columns of the
 * target table compared with literals (=, <>, <, <=, >, >=, IN, BETWEEN, IS NULL), AND, OR, NOT,
 * with SQL's three-valued logic (NULL compares to nothing). Anything else cannot be evaluated.
 */
import type { ExprNode } from "../../core/ast/nodes.js";
import type { TableSchema } from "../../core/ast/table-schema.js";
import type { TypeKind } from "../../core/types/sql-type.js";

/** true, false, or null for SQL's unknown. */
type Truth = boolean | null;
/** Reads an attribute; `MISSING` when it is expired (the object cannot be tested without SQL). */
export type AttributeReader = (attr: string) => unknown;
export const MISSING: unique symbol = Symbol("missing");

/** A compiled WHERE: its truth for one object's attributes; MISSING when it needs an expired one or cannot tell. */
export type Evaluator = (read: AttributeReader) => Truth | typeof MISSING;

/**
 * The WHERE as a test, or undefined when it has a part JavaScript cannot decide like the database.
 * `caseInsensitiveStrings`: MySQL/MariaDB's default collations compare strings without case, so
 * a string comparison there is left to the database. `integerBooleans`: a boolean is an integer
 * (SQLite, MariaDB): a row holding 2 reads as true, and though a comparison with a value compares
 * its truth, one with another column compares the integers (2 <> 1): left to the database too.
 */
export function evaluatorOf(
  where: ExprNode | undefined,
  attributeOfColumn: ReadonlyMap<string, string>,
  table: TableSchema,
  caseInsensitiveStrings: boolean,
  integerBooleans: boolean,
): Evaluator | undefined {
  if (!where) return () => true;
  let ok = true;
  // `ordered`: the value is compared by <, <=, >, >= (BETWEEN): strings take part only in equality,
  // as the database orders them by its collation (a locale's, or code points), not by UTF-16 units.
  const value = (node: ExprNode, ordered = false): ((read: AttributeReader) => unknown) | undefined => {
    if (node.kind === "param") {
      const kind = node.type?.kind;
      const exact =
        kind !== undefined &&
        ((EXACT_KINDS.has(kind) && !(integerBooleans && kind === "boolean")) || (!caseInsensitiveStrings && !ordered && STRING_KINDS.has(kind)));
      if (!exact) ok = false;
      return () => node.value;
    }
    if (node.kind === "column" && node.source.kind === "table" && node.source.table === table) {
      const attr = attributeOfColumn.get(node.name);
      if (attr !== undefined) return (read) => read(attr);
    }
    ok = false;
    return undefined;
  };
  const test = (node: ExprNode): Evaluator => {
    switch (node.kind) {
      case "binary": {
        const compare = COMPARE[node.op];
        const ordered = node.op !== "=" && node.op !== "<>";
        const left = value(node.left, ordered);
        const right = value(node.right, ordered);
        if (!compare || !left || !right) break;
        return (read) => compareWith(compare, left(read), right(read));
      }
      case "in": {
        if (!Array.isArray(node.values)) break;
        const left = value(node.expr);
        const items = (node.values as readonly ExprNode[]).map((item) => value(item));
        if (!left || items.some((i) => !i)) break;
        const negated = node.negated;
        return (read) => {
          const l = left(read);
          if (l === MISSING) return MISSING;
          let result: Truth = false;
          for (const item of items) {
            const t = compareWith(COMPARE["="]!, l, item!(read));
            if (t === MISSING) return MISSING;
            if (t === true) return !negated;
            if (t === null) result = null;
          }
          return result === null ? null : negated;
        };
      }
      case "inValues": {
        // One column against values bound as its type: the same test as IN with those values.
        const left = node.exprs.length === 1 ? value(node.exprs[0]!) : undefined;
        const kind = node.types[0]?.kind;
        if (!left || kind === undefined || !(EXACT_KINDS.has(kind) || (!caseInsensitiveStrings && STRING_KINDS.has(kind)))) break;
        const items = (node.values.value as readonly unknown[]).filter((v) => v !== null && v !== undefined);
        return (read) => {
          const l = left(read);
          if (l === MISSING) return MISSING;
          if (l === null || l === undefined) return null;
          for (const item of items) {
            const t = compareWith(COMPARE["="]!, l, item);
            if (t === MISSING) return MISSING;
            if (t === true) return true;
          }
          return false;
        };
      }
      case "between": {
        const [e, lo, hi] = [value(node.expr, true), value(node.low, true), value(node.high, true)];
        if (!e || !lo || !hi) break;
        return (read) => {
          const truths: (Truth | typeof MISSING)[] = [compareWith(COMPARE[">="]!, e(read), lo(read)), compareWith(COMPARE["<="]!, e(read), hi(read))];
          if (truths.includes(MISSING)) return MISSING;
          const t = and(truths);
          return node.negated && t !== null ? !t : t;
        };
      }
      case "isNull": {
        const e = value(node.expr);
        if (!e) break;
        return (read) => {
          const v = e(read);
          return v === MISSING ? MISSING : (v === null || v === undefined) !== node.negated;
        };
      }
      case "and":
      case "or": {
        const items = node.items.map(test);
        const combine = node.kind === "and" ? and : or;
        return (read) => {
          const truths = items.map((t) => t(read));
          return truths.includes(MISSING) ? MISSING : combine(truths as Truth[]);
        };
      }
      case "not": {
        const inner = test(node.expr);
        return (read) => {
          const t = inner(read);
          return t === null || t === MISSING ? t : !t;
        };
      }
    }
    ok = false;
    return () => null;
  };
  const evaluator = test(where);
  return ok ? evaluator : undefined;
}

/**
 * Column types whose values JavaScript compares as the database does. Not: numeric (decimal
 * strings), float (MariaDB's FLOAT is single precision), date/datetime (the database may round
 * what the object holds), uuid (PostgreSQL ignores case), json, binary.
 */
const EXACT_KINDS: ReadonlySet<TypeKind> = new Set(["integer", "bigint", "boolean"]);
/**
 * Strings are equal or not exactly on PostgreSQL and SQLite, not under MariaDB's default
 * collations (case, trailing spaces); their order is the collation's everywhere.
 */
const STRING_KINDS: ReadonlySet<TypeKind> = new Set(["string", "text", "enum"]);

const COMPARE: Partial<Record<string, (a: number | string | bigint | boolean, b: number | string | bigint | boolean) => boolean>> = {
  "=": (a, b) => a == b, // same types, or a bigint and a number (1n == 1): see compareWith
  "<>": (a, b) => a != b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

function compareWith(compare: (a: any, b: any) => boolean, a: unknown, b: unknown): Truth | typeof MISSING {
  if (a === MISSING || b === MISSING) return MISSING;
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const numeric = (v: unknown) => typeof v === "number" || typeof v === "bigint";
  // Values of different kinds (a string where a number was expected...) are not guessed at.
  if (typeof a !== typeof b && !(numeric(a) && numeric(b))) return MISSING;
  return compare(a, b);
}

function and(truths: readonly (Truth | typeof MISSING)[]): Truth {
  if (truths.includes(false)) return false;
  return truths.includes(null) ? null : true;
}

function or(truths: readonly (Truth | typeof MISSING)[]): Truth {
  if (truths.includes(true)) return true;
  return truths.includes(null) ? null : false;
}
