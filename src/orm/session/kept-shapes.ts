/**
 * The last closed session of the process, kept alive on purpose, with the last transaction it
 * ended (its connection and the engine's transaction along).
 *
 * V8 forgets a class's hidden classes when a full collection finds no object that has them, and
 * throws away the optimized code that checked them (`--trace-deopt`: "weak objects", "code
 * dependencies"). Between two units of work no session may be alive: the next one then ran the
 * session's, the loaders' and the engine's code unoptimized until V8 compiled it again, 244
 * deoptimizations over 18 cold rounds of 10,000 `session.get` (2.3x the raw driver), 18 with this.
 * `Mapper.shapeKeeper` does the same for the objects a session loads.
 *
 * A closed session holds no object of the application's: its identity map and unit of work are
 * empty, and an ended transaction drops its records (`SessionTransaction.forgetRecords`). What it
 * keeps is its engine, until another session closes.
 */
const kept: object[] = [];

/** Keeps this closed session (and so the shapes of what it used) until the next one closes. */
export function keepShapesOf(closedSession: object): void {
  kept[0] = closedSession;
}

