/** The inspector's constraint names, from a catalog's constraint rows (name, kind) and index names. */
import type { ConstraintNames } from "../../engine/driver.js";

/** How a catalog spells each kind of constraint (PostgreSQL `p`, MySQL `PRIMARY KEY`, ...). */
export interface ConstraintKinds {
  readonly primaryKey: string;
  readonly foreignKey: string;
  readonly unique: string;
  readonly check: string;
}

/**
 * Sorts the rows into kinds; indexes that stand behind a constraint of the same name (a primary
 * key, a unique constraint; on MySQL a foreign key too), and those named in `alsoBehind`, are not
 * listed as indexes of their own.
 */
export function constraintNamesOf(
  constraints: readonly Record<string, unknown>[],
  indexes: readonly Record<string, unknown>[],
  kinds: ConstraintKinds,
  alsoBehind: readonly string[] = [],
): ConstraintNames {
  const named = (kind: string) => constraints.filter((r) => r.kind === kind).map((r) => String(r.name)).sort();
  const behindConstraints = new Set([...alsoBehind, ...constraints.map((r) => String(r.name))]);
  return {
    primaryKey: named(kinds.primaryKey)[0],
    foreignKeys: named(kinds.foreignKey),
    uniques: named(kinds.unique),
    checks: named(kinds.check),
    indexes: indexes.map((r) => String(r.name)).filter((n) => !behindConstraints.has(n)).sort(),
  };
}
