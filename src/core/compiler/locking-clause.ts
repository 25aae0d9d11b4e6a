/**
 * The locking clause of a SELECT: `FOR UPDATE`, `OF` the FROM items to lock where the database
 * can name them, `NOWAIT` or `SKIP LOCKED` where it has them.
 */
import type { AliasNode, SelectNode, TableNode } from "../ast/nodes.js";
import { CompileError, UnsupportedFeatureError } from "../errors.js";
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
