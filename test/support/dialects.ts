/**
 * Runs a suite once per database: `forEachDatabase("joins", (db) => { test(...) })`. A dialect
 * whose server is unreachable is skipped with one line saying why.
 */
import { after, before, describe } from "node:test";
import type { Engine } from "../../src/index.js";
import { engineFor, testDatabases, type TestDatabase } from "./databases.js";

export interface DatabaseContext {
  readonly db: TestDatabase;
  /** The engine for this suite, created before its tests and disposed after. */
  readonly engine: Engine;
}

const databases = await testDatabases();
const reported = new Set<string>();

export function forEachDatabase(name: string, body: (ctx: DatabaseContext) => void, only?: readonly TestDatabase["name"][]): void {
  for (const db of databases) {
    if (only && !only.includes(db.name)) continue;
    if (db.skip && !reported.has(db.name)) {
      reported.add(db.name);
      console.log(`# skipping ${db.name} tests: ${db.skip}`);
    }
    describe(`${name} [${db.name}]`, { skip: db.skip }, () => {
      let engine: Engine | undefined;
      const ctx: DatabaseContext = {
        db,
        get engine() {
          if (!engine) throw new Error("engine used outside a test");
          return engine;
        },
      };
      before(() => {
        engine = engineFor(db);
      });
      after(async () => {
        await engine?.dispose();
      });
      body(ctx);
    });
  }
}
