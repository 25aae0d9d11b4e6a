/**
 * The checkout's root folder. Its own module, not dist.ts's: the runner (scripts/test/run.mjs)
 * puts every file that imports dist.ts or pack.ts in the one lane that builds and packs dist/, and
 * a test that only needs the root's path (to type-check sources, to build the docs) has no place
 * there.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
