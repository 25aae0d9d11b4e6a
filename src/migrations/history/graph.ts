/**
 * The history as a graph: each migration follows its parents. A sound history has one head (the
 * newest migration); two heads mean two people each added a migration after the same parent,
 * which `branchError()` reports naming both, until a merge migration follows both.
 */
import { BranchError, HistoryCycleError, UnknownParentError } from "./errors.js";
import type { LoadedMigration } from "./files.js";

/** A migration in the graph, with the migrations that follow it. */
export interface MigrationNode {
  readonly migration: LoadedMigration;
  readonly id: string;
  readonly parents: readonly string[];
  readonly children: readonly string[];
}

/** The migrations of a folder, ordered so that every migration comes after its parents. */
export class MigrationGraph {
  private constructor(
    private readonly nodes: ReadonlyMap<string, MigrationNode>,
    /** Parents first; among migrations free to go, the smaller id first (ids start with a timestamp). */
    readonly order: readonly string[],
  ) {}

  /** @internal Use `buildGraph`. */
  static of(nodes: ReadonlyMap<string, MigrationNode>, order: readonly string[]): MigrationGraph {
    return new MigrationGraph(nodes, order);
  }

  /** The number of migrations. */
  get size(): number {
    return this.order.length;
  }

  /** Migrations nothing follows, in order. */
  get heads(): string[] {
    return this.order.filter((id) => this.nodes.get(id)!.children.length === 0);
  }

  /**
   * Whether a migration has this id.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * if (!graph.has("20240101_add_users")) throw new Error("unknown migration");
   * ```
   */
  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /**
   * The migration with this id, with its parents and children; throws for an id no file defines
   * (ask `has` first).
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * const node = graph.get(graph.heads[0]!);
   * console.log(node.migration.definition.message, node.parents);
   * ```
   */
  get(id: string): MigrationNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no migration '${id}'`);
    return node;
  }

  /**
   * `id` and every migration before it, parents first: what `up(id)` applies on an empty database.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * const before = graph.ancestors(graph.heads[0]!); // every migration, ending with the head
   * ```
   */
  ancestors(id: string): string[] {
    const seen = new Set<string>();
    const visit = (at: string) => {
      if (seen.has(at)) return;
      seen.add(at);
      for (const p of this.get(at).parents) visit(p);
    };
    visit(id);
    return this.order.filter((x) => seen.has(x));
  }

  /**
   * The branch of a history with several heads, naming two migrations that share a parent
   * (and how to merge them); undefined for one head.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * const branched = graph.branchError();
   * if (branched) console.error(branched.message); // "the history has branched: migrations ... Run 'athanor migrate merge' ..."
   * ```
   */
  branchError(): BranchError | undefined {
    const heads = this.heads;
    if (heads.length < 2) return undefined;
    const a = new Set(this.ancestors(heads[0]!));
    const b = new Set(this.ancestors(heads[1]!));
    const onlyA = this.order.filter((id) => a.has(id) && !b.has(id));
    const onlyB = this.order.filter((id) => b.has(id) && !a.has(id));
    const first = onlyA[0]!;
    const parent = this.get(first).parents.find((p) => b.has(p));
    const second = onlyB.find((id) => (parent === undefined ? this.get(id).parents.length === 0 : this.get(id).parents.includes(parent))) ?? onlyB[0]!;
    return new BranchError(first, second, parent, heads);
  }

  /**
   * Throws the `BranchError` of a history with several heads (see `branchError`); does nothing for one head.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * graph.assertSingleHead(); // before applying: a branched history has no single target
   * ```
   */
  assertSingleHead(): void {
    const error = this.branchError();
    if (error) throw error;
  }
}

/**
 * Builds the graph; throws for a parent no file defines and for a cycle.
 *
 * ```ts
 * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
 * graph.heads; // the newest migration(s): two after a branch, until a merge
 * ```
 */
export function buildGraph(migrations: readonly LoadedMigration[]): MigrationGraph {
  const children = new Map<string, string[]>(migrations.map((m) => [m.id, []]));
  for (const m of migrations) {
    for (const p of m.definition.parents) {
      const list = children.get(p);
      if (!list) throw new UnknownParentError(m.id, p);
      list.push(m.id);
    }
  }
  const nodes = new Map<string, MigrationNode>(
    migrations.map((m) => [m.id, { migration: m, id: m.id, parents: m.definition.parents, children: children.get(m.id)!.sort() }]),
  );
  // Kahn's algorithm, always taking the smallest id that is free to go: a stable order.
  const waiting = new Map(migrations.map((m) => [m.id, m.definition.parents.length]));
  const ready = migrations.filter((m) => m.definition.parents.length === 0).map((m) => m.id);
  const order: string[] = [];
  while (ready.length) {
    ready.sort();
    const id = ready.shift()!;
    order.push(id);
    for (const child of nodes.get(id)!.children) {
      const left = waiting.get(child)! - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  if (order.length < migrations.length) throw new HistoryCycleError(findCycle(nodes, new Set(order)));
  return MigrationGraph.of(nodes, order);
}

/** One cycle among the migrations Kahn's algorithm could not place. */
function findCycle(nodes: ReadonlyMap<string, MigrationNode>, placed: ReadonlySet<string>): string[] {
  const start = [...nodes.keys()].filter((id) => !placed.has(id)).sort()[0]!;
  const path: string[] = [];
  for (let at = start; ; ) {
    const index = path.indexOf(at);
    if (index !== -1) return path.slice(index).reverse();
    path.push(at);
    at = nodes.get(at)!.parents.filter((p) => !placed.has(p)).sort()[0]!;
  }
}
