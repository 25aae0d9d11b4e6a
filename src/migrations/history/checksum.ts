/**
 * A migration's checksum: SHA-256 of its parents and operations as canonical JSON (object keys
 * sorted, `undefined` left out), so that formatting, comments and the message of the file do not
 * count, and any change to what the migration does does.
 */
import { createHash } from "node:crypto";
import type { Step } from "../apply/step.js";
import type { MigrationDefinition } from "../migration.js";

/** The checksum recorded in the version table when `migration` is applied (64 hex digits). */
export function checksumOf(migration: Pick<MigrationDefinition, "parents" | "up" | "down">): string {
  const text = canonicalJson({ parents: [...migration.parents].sort(), up: migration.up, down: migration.down });
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The checksum of the first steps of a planned migration (their SQL): what the version row of a
 * partly applied migration holds, so that a resume can tell whether the steps it skips are those
 * that ran.
 */
export function stepsChecksum(steps: readonly Step[]): string {
  return createHash("sha256").update(canonicalJson(steps.map((s) => s.statements))).digest("hex");
}

/** JSON with sorted keys: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") return JSON.stringify(value.toString());
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(",")}}`;
}
