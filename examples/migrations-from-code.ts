// The migrations API from code (docs/migrations.md): compare a database with the models.
import { createEngine } from "athanor";
import { diffSchemas, schemaModelOf } from "athanor/migrations";
import { Base } from "./seed/index.js";

const engine = createEngine("sqlite::memory:");
await Base.metadata.createAll(engine);
// Someone changes the database by hand.
await engine.withConnection((conn) => conn.run("ALTER TABLE left_table ADD COLUMN note TEXT"));

const live = await engine.inspect().reflect(); // the database's schema, as data
const models = schemaModelOf(Base.metadata, engine.dialect); // the models' schema, as this dialect's DDL makes it
const operations = diffSchemas(live, models, { dialect: engine.dialect, allowDataLoss: true });
console.log(operations.map((o) => `${o.op} ${"column" in o && typeof o.column === "object" ? o.column.name : ""}`.trim()));
// [ 'dropColumn note' ]: what would bring the database back to the models
await engine.dispose();
