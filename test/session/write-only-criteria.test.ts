/**
 * Write-only collections under loader criteria (a session's `criteria`, as a tenant or soft-delete
 * filter is set): the members `select()` reads, and the members the collection's bulk UPDATE and
 * DELETE change, are those the criteria let through, for a one-to-many and a many-to-many alike.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DeclarativeBase,
  WriteOnlyCollection,
  column,
  columnsOf,
  integer,
  manyToMany,
  manyToOne,
  model,
  oneToMany,
  string,
  table,
  withLoaderCriteria,
  type Rel,
} from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class WcBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    WcFolder: WcFolder;
    WcFile: WcFile;
    WcLabel: WcLabel;
  }
}

table("wc_folder_labels", WcBase.metadata, {
  folderId: integer().named("folder_id").references("wc_folders.id").primaryKey(),
  labelId: integer().named("label_id").references("wc_labels.id").primaryKey(),
});

@model("wc_folders")
class WcFolder extends WcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("WcFile", { backPopulates: "folder", lazy: "writeOnly", orderBy: "id" }) accessor files!: Rel<WriteOnlyCollection<WcFile>, "folder">;
  @manyToMany("WcLabel", { secondary: "wc_folder_labels", backPopulates: "folders", lazy: "writeOnly", orderBy: "id" })
  accessor labels!: Rel<WriteOnlyCollection<WcLabel>, "folders">;
}

@model("wc_files")
class WcFile extends WcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor name!: string;
  @column(integer().notNull().default(0)) accessor deleted!: number;
  @column(integer().named("folder_id").references("wc_folders.id")) accessor folderId!: number | null;
  @manyToOne("WcFolder", { backPopulates: "files" }) accessor folder!: Rel<WcFolder | null, "files">;
}

@model("wc_labels")
class WcLabel extends WcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull().default(0)) accessor hidden!: number;
  @manyToMany("WcFolder", { secondary: "wc_folder_labels", backPopulates: "labels" }) accessor folders!: Rel<WcFolder[], "labels">;
}

const f = columnsOf(WcFile);
const live = [withLoaderCriteria(WcFile, (c) => c.deleted.eq(0)), withLoaderCriteria(WcLabel, (c) => c.hidden.eq(0))];

/** Folder 1 with files 1..3 (2 soft-deleted) and labels 1..2 (2 hidden). */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const folder = Object.assign(new WcFolder(), { id: 1 });
  folder.files.addAll([1, 2, 3].map((id) => Object.assign(new WcFile(), { id, name: `f${id}`, deleted: id === 2 ? 1 : 0 })));
  folder.labels.addAll([1, 2].map((id) => Object.assign(new WcLabel(), { id, hidden: id === 2 ? 1 : 0 })));
  session.add(folder);
  await session.commit();
  await session.close();
}

async function names(ctx: SessionContext): Promise<string[]> {
  const { rows } = await ctx.engine.withConnection((conn) => conn.run("SELECT name FROM wc_files ORDER BY id"));
  return (rows as { name: string }[]).map((row) => row.name);
}

forEachDatabaseWithSchema("write-only collections under loader criteria", WcBase.metadata, (ctx) => {
  test("select() reads the members the criteria let through, for a one-to-many and a many-to-many", async () => {
    await seed(ctx);
    const session = ctx.session({ criteria: live });
    const folder = (await session.get(WcFolder, 1))!;
    assert.deepEqual((await session.scalars(folder.files.select())).map((file) => file.id), [1, 3]);
    assert.deepEqual((await session.scalars(folder.labels.select())).map((label) => label.id), [1]);
    await session.close();
    const all = ctx.session();
    const same = (await all.get(WcFolder, 1))!;
    assert.deepEqual((await all.scalars(same.files.select())).map((file) => file.id), [1, 2, 3], "without criteria");
  });

  test("the collection's bulk UPDATE and DELETE change only the members the criteria let through", async () => {
    await seed(ctx);
    const session = ctx.session({ criteria: live });
    const folder = (await session.get(WcFolder, 1))!;
    await session.execute(folder.files.update().values({ name: "renamed" }));
    await session.commit();
    assert.deepEqual(await names(ctx), ["renamed", "f2", "renamed"]);
    await session.execute(folder.files.delete().where(f.id.ge(2)));
    await session.commit();
    assert.deepEqual(await names(ctx), ["renamed", "f2"]);
  });
}, { createOnce: true });
