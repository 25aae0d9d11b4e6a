/**
 * A versioned model whose version column has no default: the row was inserted with a NULL
 * version, and no UPDATE or DELETE could name it by its version (each failed with
 * StaleDataError). The flush now starts it at 1, as SQLAlchemy does; a version given is kept.
 * A NOT NULL version column without a default starts at 1 too: the flush's check of the values
 * used to refuse the row first (InvalidValueError: "has no value, but ... is NOT NULL").
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, integer, model, string } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class VersionBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    VdNote: VdNote;
    VdTicket: VdTicket;
  }
}

@model("vd_notes", { version: "version" })
class VdNote extends VersionBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor body!: string;
  @column(integer()) accessor version!: number | null;
}

@model("vd_tickets", { version: "version" })
class VdTicket extends VersionBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor body!: string;
  @column(integer().notNull()) accessor version!: number;
}

forEachDatabaseWithSchema("a version column without a default", VersionBase.metadata, (ctx) => {
  test("starts at 1, and the object can be updated and deleted", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const note = Object.assign(new VdNote(), { id: 1, body: "first" });
    const given = Object.assign(new VdNote(), { id: 2, body: "given", version: 7 });
    session.addAll([note, given]);
    await session.commit();
    assert.equal(note.version, 1);
    assert.equal(await ctx.count("vd_notes", "(id = 1 AND version = 1) OR (id = 2 AND version = 7)"), 2);
    note.body = "second";
    given.body = "changed";
    await session.commit();
    assert.equal(await ctx.count("vd_notes", "(id = 1 AND version = 2) OR (id = 2 AND version = 8)"), 2);
    session.delete(note);
    await session.commit();
    assert.equal(await ctx.count("vd_notes"), 1);
  });

  test("NOT NULL, no default: starts at 1 (was refused as a missing value); a version given is kept", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const ticket = Object.assign(new VdTicket(), { id: 1, body: "first" });
    session.addAll([ticket, Object.assign(new VdTicket(), { id: 2, body: "given", version: 7 })]);
    await session.commit();
    assert.equal(ticket.version, 1);
    ticket.body = "second";
    await session.commit();
    assert.equal(await ctx.count("vd_tickets", "(id = 1 AND version = 2) OR (id = 2 AND version = 7)"), 2);
  });
}, { createOnce: true });
