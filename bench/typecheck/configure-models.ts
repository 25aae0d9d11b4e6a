/**
 * Times, in a fresh process, importing a generated model project and configuring its registry:
 * `node --import tsx bench/typecheck/configure-models.ts <dir>` prints one JSON line
 * `{ athanorMs, modelsMs, configureMs, mappers }`. Spawned by run.ts.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.argv[2];
if (!dir) throw new Error("usage: configure-models.ts <generated models directory>");

const t0 = performance.now();
await import("athanor");
const t1 = performance.now();
const models = (await import(pathToFileURL(join(dir, "index.ts")).href)) as {
  Base: { registry: { configure(): void; mappers: readonly unknown[] } };
};
const t2 = performance.now();
models.Base.registry.configure();
const t3 = performance.now();

console.log(JSON.stringify({ athanorMs: t1 - t0, modelsMs: t2 - t1, configureMs: t3 - t2, mappers: models.Base.registry.mappers.length }));
