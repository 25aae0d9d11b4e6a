/**
 * A new row must leave its INSERT with its whole primary key known to the ORM: the identity map,
 * every later UPDATE and DELETE, and the object's status rest on it. Each key column is either
 * given by the row (by the application, a client default or a relationship's foreign key) or the
 * table's single generated key, which the INSERT reads back. Anything else (a server default, a
 * generated column of a composite key, a foreign key no object filled) would leave the object
 * with a null key (SQLite even accepts the row, numbering it with a rowid nobody reads), so it is
 * refused with NullIdentityKeyError: before the flush's first statement where the row's own
 * values tell (value-checks.ts), before its INSERT once relationships filled their foreign keys,
 * and, should the database still return no key, right after the INSERT.
 */
import type { Column } from "../../core/schema/column.js";
import { NullIdentityKeyError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";

/** What a new row's key needs, per mapper. */
export interface KeyRules {
  /** The key attributes each row must give a value for: all but the generated key. */
  readonly given: readonly string[];
  /** The generated key's attribute: null there means "generate it", as when omitted. */
  readonly generated: string | undefined;
}

const compiled = new WeakMap<Mapper, KeyRules>();

export function keyRulesOf(mapper: Mapper): KeyRules {
  let rules = compiled.get(mapper);
  if (!rules) {
    const generated = mapper.generatedKey?.attr;
    rules = { given: mapper.keyAttributes.filter((attr) => attr !== generated), generated };
    compiled.set(mapper, rules);
  }
  return rules;
}

/**
 * Before a row's INSERT (after relationships copied their keys and client defaults applied):
 * every key column the database will not generate has a value. Per row: a load or two.
 */
export function checkKeyGiven(mapper: Mapper, rules: KeyRules, dict: Record<string, unknown>): void {
  const given = rules.given;
  for (let k = 0; k < given.length; k++) if (dict[given[k]!] == null) throw keyNotGiven(mapper, given, dict);
  if (rules.generated !== undefined && dict[rules.generated] === null) dict[rules.generated] = undefined;
}

/**
 * The error for a row missing some of `given`. Its own function: a closure over `dict` in
 * `checkKeyGiven` made V8 allocate a context on every call, for every row (1.3 MB a W1 round).
 */
function keyNotGiven(mapper: Mapper, given: readonly string[], dict: Record<string, unknown>): NullIdentityKeyError {
  return nullIdentityKey(mapper, given.filter((attr) => dict[attr] == null), dict, "insert");
}

/** Whether a key column is the one the INSERT reads back (so the row need not give it). */
export function isReadBackKey(mapper: Mapper, column: Column): boolean {
  return mapper.generatedKey?.column === column;
}

/**
 * The error for a row whose key attributes `missing` have no value. `stage`: found before any
 * statement of the flush ("check"), before the row's INSERT ("insert"), or after an INSERT that
 * returned no key ("readBack").
 */
export function nullIdentityKey(mapper: Mapper, missing: readonly string[], dict: Record<string, unknown>, stage: "check" | "insert" | "readBack"): NullIdentityKeyError {
  const keyColumns = mapper.primaryKey.map((c) => `${c.table.name}.${c.name}`);
  const reasons = missing.map((attr) => {
    const column = mapper.columns.get(attr)!;
    const what = `${mapper.name}.${attr} (column ${column.table.name}.${column.name}) ${dict[attr] === null ? "is null" : "has no value"}`;
    return `${what}${stage === "readBack" ? ": the INSERT returned no generated key for it" : `: ${whyNotGenerated(mapper, column)}`}`;
  });
  const after =
    stage === "check"
      ? "The flush wrote nothing; the objects keep their values."
      : "The flush was rolled back; the objects keep their values.";
  const fix =
    stage === "readBack"
      ? `Make sure the column generates its values in the database (an auto-increment or identity column), or give ${mapper.name} its key before the flush.`
      : `Give ${missing.map((attr) => `${mapper.name}.${attr}`).join(" and ")} a value before the flush.`;
  return new NullIdentityKeyError(
    mapper.name,
    missing,
    keyColumns,
    `A new ${mapper.name} would have no primary key (${keyColumns.join(", ")}): ${reasons.join("; ")}. ${fix} ${after}`,
  );
}

/** Why the database gives no key the ORM could read, and what else would fill the column. */
function whyNotGenerated(mapper: Mapper, column: Column): string {
  if (column.foreignKeys.length > 0 || mapper.table.foreignKeys.some((fk) => fk.columns.includes(column))) {
    return "it is a foreign key, and no related object filled it (set the relationship to an object, or the attribute itself)";
  }
  if (column.serverDefault !== undefined) {
    return "its server default is computed by the database, but not read back (give it a client-side default instead: .default(() => ...))";
  }
  if (column.autoincrement) {
    return "athanor reads a generated key back only when it is the table's only key column";
  }
  return "the key is not generated by the database (give the column a client-side default, .default(() => ...), if it should be)";
}
