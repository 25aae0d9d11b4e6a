/**
 * The locking clause of a SELECT: `FOR UPDATE`, `OF` the FROM items to lock where the database
 * can name them, `NOWAIT` or `SKIP LOCKED` where it has them.
 */
import type { AliasNode, FromNode, SelectNode, TableNode } from "../ast/nodes.js";
import { ArgumentError, CompileError, UnsupportedFeatureError } from "../errors.js";
import { sourcesOf } from "../statements/join-inference.js";
import { sameSource } from "../statements/sources.js";
import type { DialectCapabilities } from "./compiler-types.js";

type Source = TableNode | AliasNode;

/**
 * `of`: the quoted names of the FROM items to lock, where the database can say so (`forUpdateOf`);
 * `wait`: NOWAIT or SKIP LOCKED, refused where the database has neither (locking more slowly, or
 * more rows, than asked would break what the caller relies on).
 */
export function forUpdateClause(of: readonly string[] | undefined, wait: SelectNode["forUpdateWait"], capabilities: DialectCapabilities): string {
  const sql = of && capabilities.forUpdateOf ? ` FOR UPDATE OF ${of.join(", ")}` : " FOR UPDATE";
  if (wait === undefined) return sql;
  const clause = wait === "nowait" ? "NOWAIT" : "SKIP LOCKED";
  if (!capabilities.forUpdateNowait) throw new UnsupportedFeatureError(`FOR UPDATE ${clause}`, capabilities.displayName, "upgrade to MariaDB 10.6+ or MySQL 8, or lock without it (forUpdate()).");
  return `${sql} ${clause}`;
}

/**
 * The names `FOR UPDATE OF` takes (a table's own name, unqualified, or an alias's), each checked
 * to be read by the query: the database would refuse it, or MariaDB, which has no OF, lock
 * without a word rows other than those asked for.
 */
export function lockTargets(of: readonly Source[], sources: readonly Source[], quote: (name: string) => string): string[] {
  return of.map((target) => {
    if (!sources.some((s) => sameSource(s, target))) throw new CompileError(`forUpdate({ of }): ${target.name} is not in the query's FROM; name a table, alias or model the query reads.`);
    return quote(target.name);
  });
}

/**
 * The FROM items a `FOR UPDATE` locks: every table and alias but those of optional joins (the
 * ORM's subclass tables, `JoinNode.optional`), which a query through a class reads for the
 * columns of some of its rows. `FOR UPDATE` without `OF` would lock them too, which PostgreSQL
 * refuses (the nullable side of an outer join).
 */
export function lockedSources(froms: readonly FromNode[]): Source[] {
  const optional: Source[] = [];
  const visit = (item: FromNode): void => {
    if (item.kind !== "join") return;
    if (item.optional === true) optional.push(item.right);
    visit(item.left);
  };
  froms.forEach(visit);
  return froms.flatMap(sourcesOf).filter((source) => !optional.includes(source));
}

/**
 * The quoted names `FOR UPDATE OF` takes: those `of` names (`lockTargets`), or, without it, none
 * (every row read is locked) but for a query with optional joins, whose tables it leaves out
 * (`lockedSources`). Where the database cannot lock the nullable side of an outer join
 * (PostgreSQL), a table there is refused before the query is sent, naming the fix.
 */
export function lockClauseTargets(
  of: readonly Source[] | undefined,
  froms: readonly FromNode[],
  capabilities: DialectCapabilities,
  quote: (name: string) => string,
  /** `of` was set for the query, not named by the application (`SelectNode.forUpdateOfImplied`). */
  implied = false,
): string[] | undefined {
  const sources = froms.flatMap(sourcesOf);
  const names = of === undefined ? undefined : lockTargets(of, sources, quote);
  const locked = of ?? lockedSources(froms);
  if (!capabilities.forUpdateNullable) refuseNullable(locked, froms, of !== undefined && !implied, capabilities.displayName);
  return names ?? (locked.length === sources.length ? undefined : locked.map((source) => quote(source.name)));
}

function refuseNullable(locked: readonly Source[], froms: readonly FromNode[], named: boolean, database: string): void {
  const nullable = froms.flatMap((item) => nullableSources(item));
  const refused = locked.filter((source) => nullable.some((n) => sameSource(n, source)));
  if (refused.length === 0) return;
  const list = refused.map((s) => `'${s.name}'`).join(", ");
  const others = locked.filter((source) => !refused.includes(source)).map((s) => `'${s.name}'`);
  throw new ArgumentError(
    `forUpdate(${named ? "{ of }" : ""}): ${database} cannot lock the rows of ${list}, on the nullable side of an outer join. ` +
      (named ? `Leave ${refused.length > 1 ? "them" : "it"} out of \`of\`` : `Name the tables whose rows to lock: forUpdate({ of: [...] })${others.length ? ` (here ${others.join(", ")})` : ""}`) +
      `, or make the join an inner one.`,
  );
}

/** The tables and aliases of a FROM item on the nullable side of an outer join. */
function nullableSources(item: FromNode): Source[] {
  if (item.kind !== "join") return [];
  const left = item.type === "right" || item.type === "full" ? sourcesOf(item.left) : nullableSources(item.left);
  return item.type === "left" || item.type === "full" ? [...left, item.right] : left;
}
