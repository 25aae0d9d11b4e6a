/**
 * What every contestant of the ORM-vs-raw benchmark implements (the raw driver, athanor, and the
 * peers Kysely and Drizzle), and the data all of them use: the links of W1, the item rows of W3
 * and the lookup order of W4, the same for every side.
 */
import { CHILDREN, GETS, ITEMS, LINKS_PER_PARENT, PARENTS, type DatabaseName, type SideName, type Width } from "./config.js";

/** What one workload did (checked after the timings), and what runs after the clock stops. */
export interface Done {
  /** Associations written (W1), links touched (W2), rows or objects (W3), rows found (W4). */
  readonly count: number;
  /** Untimed: e.g. `session.close()`. */
  readonly after?: () => Promise<void>;
}

/** One open connection (or engine) of a side; warm mode keeps it for every round, cold opens one per round. */
export interface Handle {
  /** W1: 2,000 parents, 10,000 children, 20,000 associations with extra data, in one transaction. */
  insert(): Promise<Done>;
  /** W2: every parent with its children through the association table. */
  selectin(): Promise<Done>;
  /** W3: every row of the item table of the given width, as objects. */
  hydrate(width: Width): Promise<Done>;
  /** W4: one lookup by primary key per id, each its own statement. */
  get(width: Width, ids: readonly number[]): Promise<Done>;
  close(): Promise<void>;
}

/** A contestant: opens a handle, connected (connecting is not timed; the first statement is). */
export interface Side {
  readonly name: SideName;
  /** Driver and library versions, for the table's title. */
  readonly version: string;
  open(): Promise<Handle>;
}

/** How a side module (bench/sides/*, bench/peers/*) makes its side (or sides) for a database. */
export type SideFactory<T = Side> = (db: DatabaseName, url: string) => Promise<T>;

/** The (parent index, child index) pairs of the association objects. */
export function links(): [number, number][] {
  const pairs: [number, number][] = [];
  for (let p = 0; p < PARENTS; p++) for (let k = 0; k < LINKS_PER_PARENT; k++) pairs.push([p, (p * LINKS_PER_PARENT + k) % CHILDREN]);
  return pairs;
}

export function extraData(p: number, c: number): string {
  return `p${p}-c${c}`;
}

/** The 10,000 ids of W4: a fixed permutation of distinct ids spread over the 100,000 items. */
export function lookupIds(): number[] {
  const ids = Array.from({ length: GETS }, (_, i) => 1 + ((i * 7919) % ITEMS));
  let seed = 42;
  for (let i = ids.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}

/** The table of W3 and W4 for a width: `bench_item2` (id, name) or `bench_item5` (id, name, qty, price, note). */
export function itemTable(width: Width): "bench_item2" | "bench_item5" {
  return width === 2 ? "bench_item2" : "bench_item5";
}

export const ITEM_COLUMNS: Record<Width, readonly string[]> = { 2: ["id", "name"], 5: ["id", "name", "qty", "price", "note"] };

/** Item row i (1-based) as column values, in ITEM_COLUMNS order. */
export function itemValues(width: Width, i: number): unknown[] {
  return width === 2 ? [i, `item ${i}`] : [i, `item ${i}`, i % 97, i * 0.25, i % 3 ? `note ${i}` : null];
}

/** Groups link rows by parent and gives each parent its list (the raw side of W2 and Kysely's two-query form). */
export function attachChildren(parents: { id: number; children?: { id: number }[] }[], rows: readonly { id: number; left_id: number }[]): number {
  const byParent = new Map<number, { id: number }[]>();
  for (const row of rows) {
    let group = byParent.get(row.left_id);
    if (!group) byParent.set(row.left_id, (group = []));
    group.push(row);
  }
  let touched = 0;
  for (const parent of parents) touched += (parent.children = byParent.get(parent.id) ?? []).length;
  return touched;
}
