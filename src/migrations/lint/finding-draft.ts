/** What a dialect's rules report for one operation, before the lint adds its position and applies suppressions. */
import type { Operation } from "../operations/operation.js";
import type { LintContext } from "./context.js";
import type { RuleId, Severity } from "./rules.js";

/** A finding without its operation index; `severity` defaults to the rule's. */
export interface FindingDraft {
  readonly rule: RuleId;
  readonly severity?: Severity;
  readonly message: string;
  readonly fix: string;
}

/** A dialect's rules: the findings for one operation, given what the walk knows so far. */
export type DialectRules = (op: Operation, context: LintContext) => FindingDraft[];
