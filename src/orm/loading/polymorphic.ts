/**
 * Hydration of a single-table inheritance hierarchy (mapping/inheritance.ts): each row's
 * discriminator picks the class of its object, whichever class the query asked for, so that
 * `select(Employee)` returns a `Manager` for a manager's row. Every class of a hierarchy maps the
 * same columns, so one row layout serves them all. Models without inheritance never come here.
 */
import { DataError, InvalidRequestError } from "../../core/errors.js";
import type { ColumnPlan } from "../mapping/column-plan.js";
import { isSubmapper } from "../mapping/inheritance.js";
import type { Mapper } from "../mapping/mapper.js";
import { subclassRowsCheck } from "./missing-subclass-rows.js";

type Hydrator = (row: readonly unknown[]) => object | null;

/**
 * Reads the discriminator of each row and hands the row to the hydrator of its class (made once
 * per value by `hydratorOf`). A row of a value no class has, or of a class outside the one
 * asked for, is a `DataError`: read as another class, the object would lie about its row.
 */
export function polymorphicHydrator(mapper: Mapper, start: number, plan: ColumnPlan, hydratorOf: (sub: Mapper) => Hydrator): Hydrator {
  const { hierarchy } = mapper.inheritance!;
  const at = plan.keys.indexOf(hierarchy.discriminator);
  if (at < 0) {
    throw new InvalidRequestError(
      `A query of ${mapper.name} leaves out ${hierarchy.root.name}.${hierarchy.discriminator}, the discriminator that says which class each row is: load it (loadOnly(..., "${hierarchy.discriminator}")).`,
    );
  }
  const index = start + at;
  const keyIndex = start + plan.keys.indexOf(mapper.keyAttributes[0]!);
  const byValue = new Map<unknown, Hydrator>();
  return (row) => {
    const value = row[index];
    let hydrate = byValue.get(value);
    if (hydrate === undefined) {
      // No row: the outer side of a join that found nothing.
      if (row[keyIndex] === null || row[keyIndex] === undefined) return null;
      const sub = hierarchy.byIdentity.get(value);
      if (sub === undefined || !isSubmapper(sub, mapper)) throw unexpectedRow(mapper, sub, value);
      const check = subclassRowsCheck(sub, start, plan);
      const whole = hydratorOf(sub);
      byValue.set(value, (hydrate = check === undefined ? whole : (row) => (check(row), whole(row))));
    }
    return hydrate(row);
  };
}

function unexpectedRow(mapper: Mapper, sub: Mapper | undefined, value: unknown): DataError {
  const { hierarchy } = mapper.inheritance!;
  const column = `${hierarchy.root.table.name}.${hierarchy.root.columns.get(hierarchy.discriminator)!.name}`;
  const known = [...hierarchy.byIdentity].map(([v, m]) => `${JSON.stringify(v)} (${m.name})`).join(", ");
  return new DataError(
    sub === undefined
      ? `A row of table '${hierarchy.root.table.name}' has ${column} = ${JSON.stringify(value)}, which no class of ${hierarchy.root.name}'s hierarchy has as its polymorphicIdentity ` +
          `(known: ${known}). Map a subclass with that polymorphicIdentity, or correct the row.`
      : `A row read as ${mapper.name} has ${column} = ${JSON.stringify(value)}: it is a ${sub.name}'s, not a ${mapper.name}'s. Query it through ${hierarchy.root.name} or ${sub.name}.`,
    {},
    undefined,
  );
}
