/**
 * Which column attributes a query loads for one entity: all but the deferred ones by default, or
 * what its `defer`/`undefer`/`loadOnly` options say. One plan per mapper and set of columns,
 * shared by every hydrator and object that uses it.
 */

/** The columns a query loads for one entity, in the mapper's column order. */
export interface ColumnPlan {
  /** The column attributes in the row, in the mapper's column order (the primary key always among them). */
  readonly keys: readonly string[];
  /** The column attributes left out: frozen and shared by the objects loaded so; undefined when none. */
  readonly unloaded: ReadonlySet<string> | undefined;
}

/** Interns plans per mapper: a plan's identity keys the hydrators made for it. */
export class ColumnPlans {
  private readonly plans = new Map<string, ColumnPlan>();

  constructor(private readonly columnKeys: readonly string[]) {}

  /** The plan loading `loaded` (any order); the one object per distinct set of columns. */
  plan(loaded: ReadonlySet<string>): ColumnPlan {
    const keys = this.columnKeys.filter((k) => loaded.has(k));
    const id = keys.join("\0");
    let plan = this.plans.get(id);
    if (!plan) {
      const left = this.columnKeys.filter((k) => !loaded.has(k));
      plan = Object.freeze({ keys, unloaded: left.length ? Object.freeze(new Set(left)) : undefined });
      this.plans.set(id, plan);
    }
    return plan;
  }
}
