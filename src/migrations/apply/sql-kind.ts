/**
 * What a migration's own SQL text does, as far as its first words tell: only DDL (CREATE, ALTER,
 * DROP, RENAME, COMMENT), or possibly rows (anything else). Used where the answer decides whether
 * a step may safely run again or be left out; unsure counts as rows.
 */
import type { Operation } from "../operations/operation.js";

/** Whether an `execute` holds only DDL: no statement that reads or writes rows. */
export function schemaOnly(op: Operation | undefined): boolean {
  if (op?.op !== "execute") return false;
  const texts = typeof op.sql === "string" ? [op.sql] : Object.values(op.sql);
  return texts.every((text) =>
    (text ?? "")
      .replace(/--[^\n]*|\/\*[^]*?\*\//g, " ")
      .split(";")
      .filter((part) => part.trim())
      .every((part) => /^\s*(create|alter|drop|rename|comment)\b/i.test(part) && !/\bselect\b/i.test(part)),
  );
}
