/**
 * `lintOperations`: the operations of a migration that lock or rewrite big tables, per dialect,
 * with stable rule ids (rules.ts) and per-operation suppression: an operation carrying
 * `lint: { allow: ["pg-index-not-concurrent"], reason: "table has 50 rows" }` is exempt from those rules.
 */
import type { SchemaModel } from "../../core/schema/schema-model.js";
import type { Operation } from "../operations/operation.js";
import { LintContext } from "./context.js";
import { dialectNameOf, type DialectRef } from "../dialect-ref.js";
import type { DialectRules, FindingDraft } from "./finding-draft.js";
import { mysqlRules } from "./mysql-rules.js";
import { pgRules } from "./pg-rules.js";
import { isRuleId, LINT_RULES, type Finding } from "./rules.js";
import { sqliteRules } from "./sqlite-rules.js";

/** What `lintOperations` needs besides the operations. */
export interface LintOptions {
  /** The database the migration will run on. */
  readonly dialect: DialectRef;
  /**
   * The schema before the migration (what the history produces). Optional: without it, every table
   * not created in the same migration counts as existing, and rules needing a table's constraints
   * (an existing `CHECK (col IS NOT NULL)`, a dropped column's indexes) assume there are none.
   */
  readonly schema?: SchemaModel;
}

const RULES: Readonly<Record<ReturnType<typeof dialectNameOf>, DialectRules>> = {
  postgresql: pgRules,
  mysql: mysqlRules,
  sqlite: sqliteRules,
};

/**
 * The findings for a migration's operations (its `up` or `down`), in operation order. Operations on
 * tables created earlier in the same list are not reported (they are empty). Suppressed findings are
 * left out; a suppression without a reason, naming an unknown rule, or suppressing nothing is itself
 * reported (`lint-suppression-without-reason`, `lint-unknown-rule`, `lint-unused-suppression`).
 *
 * ```ts
 * const up = [op.createIndex("books", { name: "ix_books_isbn", columns: ["isbn"] })];
 * for (const f of lintOperations(up, { dialect: "postgresql" })) console.log(`${f.rule}: ${f.message} (${f.fix})`);
 * // pg-index-not-concurrent: ...
 * ```
 */
export function lintOperations(ops: readonly Operation[], options: LintOptions): Finding[] {
  const dialect = dialectNameOf(options.dialect);
  const rules = RULES[dialect];
  // Each operation's rules see the state the operations before it left.
  const replay = new LintContext(options.schema);
  const drafts: FindingDraft[][] = ops.map((op, index) => {
    const found = rules(op, replay);
    replay.apply(op, index);
    return found;
  });
  if (dialect === "postgresql") {
    for (const [name, pending] of replay.pending) {
      const what = pending.kind === "foreignKey" ? "foreign key" : "check";
      drafts[pending.operationIndex]!.push({
        rule: pending.kind === "foreignKey" ? "pg-fk-not-valid" : "pg-check-not-valid",
        severity: "warning",
        message: `the NOT VALID ${what} ${name} is never validated in this migration: existing rows of ${name.slice(0, name.lastIndexOf("."))} stay unchecked`,
        fix: "add `validateConstraint` after it (or validate it in the next migration and suppress this with that reason)",
      });
    }
  }
  const findings: Finding[] = [];
  ops.forEach((op, operationIndex) => {
    const allow = op.lint?.allow ?? [];
    for (const draft of drafts[operationIndex]!) {
      if (allow.includes(draft.rule)) continue;
      findings.push({ rule: draft.rule, severity: draft.severity ?? LINT_RULES[draft.rule].severity, operationIndex, message: draft.message, fix: draft.fix });
    }
    if (op.lint) findings.push(...suppressionFindings(op, operationIndex, drafts[operationIndex]!, dialect));
  });
  return findings;
}

/** The lint's own findings about an operation's `lint: { allow, reason }`. */
function suppressionFindings(op: Operation, operationIndex: number, drafts: readonly FindingDraft[], dialect: string): Finding[] {
  const { allow, reason } = op.lint!;
  const findings: Finding[] = [];
  const finding = (rule: "lint-suppression-without-reason" | "lint-unknown-rule" | "lint-unused-suppression", message: string, fix: string) =>
    findings.push({ rule, severity: LINT_RULES[rule].severity, operationIndex, message, fix });
  if (allow.length && !reason?.trim()) {
    finding(
      "lint-suppression-without-reason",
      `operation ${operationIndex} (${op.op}) suppresses ${allow.join(", ")} without a reason`,
      'say why it is safe: `lint: { allow: [...], reason: "the table has a few hundred rows" }`',
    );
  }
  for (const id of allow) {
    if (!isRuleId(id)) {
      const known = Object.keys(LINT_RULES).filter((k) => k.startsWith(id.split("-")[0]!));
      finding("lint-unknown-rule", `operation ${operationIndex} (${op.op}) suppresses '${id}', which is not a lint rule`, `use one of: ${(known.length ? known : Object.keys(LINT_RULES)).join(", ")}`);
    } else if (LINT_RULES[id].dialect === dialect && !drafts.some((d) => d.rule === id)) {
      finding("lint-unused-suppression", `operation ${operationIndex} (${op.op}) suppresses ${id}, which does not fire on it`, "remove it from `lint.allow`");
    }
  }
  return findings;
}
