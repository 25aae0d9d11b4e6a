/**
 * The checkout's root folder. Its own module, not dist.ts's: the runner (scripts/test/run.mjs)
 * puts every file that imports dist.ts or pack.ts in the one lane that builds and packs dist/, and
 * a test that only needs the root's path (to type-check sources, to build the docs) has no place
 * there. Found from this file in test/support/, or from its compiled copy in .test-out/test/support/
 * (where the runner runs most tests).
 */
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const twoUp = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export const repoRoot = basename(twoUp) === ".test-out" ? dirname(twoUp) : twoUp;
