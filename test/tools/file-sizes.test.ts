/**
 * Small files with one job each: no source file over 400 lines, and the Session façade
 * (src/orm/session/session.ts) within 300, so that what grows is split by its jobs (as the
 * unit of work, the transactions and the loaders were) rather than piled into one file.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { repoRoot as root } from "../support/repo-root.js";

const LIMIT = 400;
const LIMITS: Readonly<Record<string, number>> = { "src/orm/session/session.ts": 300 };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

test(`every file under src/ has at most ${LIMIT} lines (session.ts ${LIMITS["src/orm/session/session.ts"]})`, () => {
  const over = sources(join(root, "src")).flatMap((path) => {
    const name = relative(root, path).split("\\").join("/");
    const lines = readFileSync(path, "utf8").split("\n").length - 1;
    const limit = LIMITS[name] ?? LIMIT;
    return lines > limit ? [`${name}: ${lines} lines (limit ${limit}): split it by its jobs`] : [];
  });
  assert.deepEqual(over, []);
});
