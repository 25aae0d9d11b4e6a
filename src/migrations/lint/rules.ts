/**
 * The lint's rules: one stable id each, the dialect it applies to and its usual severity. Ids are
 * `<dialect>-<what is unsafe>` (`pg-`, `mysql-`, `sqlite-`) and `lint-` for the lint's own checks
 * of suppressions; they never change meaning, so that `lint: { allow: [...] }` in a migration file
 * keeps working. docs/migrations.md (Lint) explains each one.
 */
import type { DialectName } from "../../core/compiler/dialect.js";

/** How bad a finding is: `error` blocks reads or writes of an existing table for a time that grows with its size. */
export type Severity = "error" | "warning" | "info";

/** What the lint knows of a rule. */
export interface LintRule {
  /** The dialect the rule checks; undefined for the lint's own rules (every dialect). */
  readonly dialect: DialectName | undefined;
  /** The severity of its findings (a few findings are milder, e.g. `DROP INDEX` without CONCURRENTLY). */
  readonly severity: Severity;
  /** One line: what the rule catches. */
  readonly summary: string;
}

/** Every rule, by id. */
export const LINT_RULES = {
  "pg-index-not-concurrent": {
    dialect: "postgresql",
    severity: "error",
    summary: "CREATE/DROP INDEX without CONCURRENTLY on an existing table (SHARE / ACCESS EXCLUSIVE lock for the whole build)",
  },
  "pg-constraint-index-not-concurrent": {
    dialect: "postgresql",
    severity: "error",
    summary: "ADD UNIQUE / PRIMARY KEY on an existing table builds its index under ACCESS EXCLUSIVE",
  },
  "pg-fk-not-valid": {
    dialect: "postgresql",
    severity: "error",
    summary: "ADD FOREIGN KEY on an existing table without NOT VALID + a later VALIDATE CONSTRAINT",
  },
  "pg-check-not-valid": {
    dialect: "postgresql",
    severity: "error",
    summary: "ADD CHECK on an existing table without NOT VALID + a later VALIDATE CONSTRAINT",
  },
  "pg-set-not-null": {
    dialect: "postgresql",
    severity: "error",
    summary: "SET NOT NULL without a validated CHECK (col IS NOT NULL): full scan under ACCESS EXCLUSIVE",
  },
  "pg-volatile-default": {
    dialect: "postgresql",
    severity: "error",
    summary: "ADD COLUMN with a volatile default or an identity: the table is rewritten",
  },
  "pg-type-rewrite": {
    dialect: "postgresql",
    severity: "error",
    summary: "ALTER COLUMN TYPE to a type that is not binary-compatible: the table and its indexes are rewritten",
  },
  "mysql-not-online": {
    dialect: "mysql",
    severity: "error",
    summary: "MariaDB cannot run the ALTER as ALGORITHM=INSTANT/NOCOPY/INPLACE with LOCK=NONE: writes are blocked while the table is copied",
  },
  "mysql-table-rebuild": {
    dialect: "mysql",
    severity: "warning",
    summary: "MariaDB rebuilds the table (ALGORITHM=INPLACE, writes allowed): long, I/O heavy, replicas lag",
  },
  "sqlite-rebuild": {
    dialect: "sqlite",
    severity: "info",
    summary: "SQLite cannot ALTER this: the table is rebuilt (copied into a new table)",
  },
  "lint-suppression-without-reason": {
    dialect: undefined,
    severity: "warning",
    summary: "an operation's `lint.allow` has no `reason`",
  },
  "lint-unknown-rule": {
    dialect: undefined,
    severity: "warning",
    summary: "an operation's `lint.allow` names a rule that does not exist",
  },
  "lint-unused-suppression": {
    dialect: undefined,
    severity: "info",
    summary: "an operation's `lint.allow` names a rule of this dialect that does not fire on it",
  },
} as const satisfies Record<string, LintRule>;

/** A rule's stable id. */
export type RuleId = keyof typeof LINT_RULES;

/** Whether `id` is a rule id. */
export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(LINT_RULES, id);
}

/** One problem the lint found in a migration's operations. */
export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** The position of the operation in the list that was linted. */
  readonly operationIndex: number;
  /** What is wrong, naming the table and column. */
  readonly message: string;
  /** The safe way to do it (or how to suppress it when the table is known to be small). */
  readonly fix: string;
}
