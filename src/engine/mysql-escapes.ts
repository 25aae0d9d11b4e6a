/**
 * MySQL/MariaDB: athanor writes string literals into DDL (defaults, enum values, checks) with
 * backslashes doubled, as the default sql_mode reads them. A session in NO_BACKSLASH_ESCAPES
 * reads `'a\\b'` as two backslashes: a default, an enum value or a check came out other than the
 * model or migration says, without an error. Such a session runs athanor's DDL (`createAll`, a
 * migration's steps) with that mode off, and a migration's own SQL (`execute` steps, written for
 * the server as it is) with it as it was. Likewise a session without strict mode (`sql_mode`
 * without STRICT_TRANS_TABLES / STRICT_ALL_TABLES) ran a migration's `MODIFY COLUMN` by cutting
 * values to a narrower type and turning NULLs into 0 or '' for NOT NULL, with warnings only:
 * athanor's DDL runs with STRICT_ALL_TABLES, where both are errors.
 */
import type { Connection } from "./connection.js";

const MODE = "NO_BACKSLASH_ESCAPES";
const STRICT = ["STRICT_TRANS_TABLES", "STRICT_ALL_TABLES"];

/** Switches the session's sql_mode between athanor's statements and the user's (see `escapeModes`). */
export interface EscapeModes {
  /** Before a statement: athanor's (rendered) or the user's own SQL. */
  use(kind: "athanor" | "user"): Promise<void>;
}

/** What a migration's run passes to each `runSteps` call (`RunHooks.escapes`): read once; none where DDL is transactional (not MySQL). */
export async function sessionEscapes(connection: Connection): Promise<{ escapes: EscapeModes | undefined } | Record<string, never>> {
  return connection.dialect.capabilities.transactionalDdl ? {} : { escapes: await escapeModes(connection) };
}

/**
 * Reads the session's sql_mode (never on other databases). Switching to athanor's statements sets
 * it without NO_BACKSLASH_ESCAPES and with strict mode, when it lacks either; back to the user's SQL,
 * the mode is the user's again. The user's SQL may set a mode of its own (an `execute` step's
 * `SET SESSION sql_mode = ''` for a legacy data fix): it is read again after it, else athanor's
 * next `MODIFY COLUMN` ran in that lax mode and cut the values it must refuse.
 */
export async function escapeModes(connection: Connection): Promise<EscapeModes | undefined> {
  if (connection.dialect.name !== "mysql") return undefined;
  const read = async () => {
    const row = (await connection.run("SELECT @@SESSION.sql_mode AS mode")).rows[0] as Record<string, unknown> | undefined;
    return String(row?.["mode"] ?? "").split(",").filter((m) => m !== "");
  };
  // Mode names are plain words: no quoting needed beyond the quotes.
  const sql = (list: readonly string[]) => `SET SESSION sql_mode = '${list.join(",")}'`;
  let modes = await read();
  /** athanor's mode for the user's `modes`; undefined when they do already. */
  const athanorOf = (user: readonly string[]) => {
    const strict = user.some((m) => STRICT.includes(m));
    return !user.includes(MODE) && strict ? undefined : [...user.filter((m) => m !== MODE), ...(strict ? [] : ["STRICT_ALL_TABLES"])];
  };
  let current: "athanor" | "user" = "user";
  let switched = false;
  let userSqlMayHaveRun = false;
  return {
    async use(kind) {
      if (kind === "user") {
        if (switched) await connection.run(sql(modes));
        current = "user";
        switched = false;
        userSqlMayHaveRun = true;
        return;
      }
      if (current === "athanor") return;
      current = "athanor";
      if (userSqlMayHaveRun) modes = await read();
      userSqlMayHaveRun = false;
      const athanor = athanorOf(modes);
      if (athanor) await connection.run(sql(athanor));
      switched = athanor !== undefined;
    },
  };
}
