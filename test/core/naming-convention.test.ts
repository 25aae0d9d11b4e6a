/**
 * Naming conventions for constraint and index names (`new MetaData({ namingConvention })`):
 * the names are a pure function of the table and the constraint, in SQLAlchemy's `%(token)s` or
 * the `{token}` syntax; without a convention the names are those athanor always generated; on the
 * databases, the names are the convention's (cut to the identifier limit like every generated
 * name, so the drop of a cyclic foreign key finds them again), and a convention that cannot name a
 * constraint stops createAll before any DDL runs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  MetaData,
  NamingConventionError,
  check,
  constraintName,
  enumType,
  foreignKey,
  index,
  integer,
  primaryKey,
  string,
  table,
  unique,
  type ConstraintNameParts,
} from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";

const lineToTrack: ConstraintNameParts = {
  kind: "fk",
  tableName: "InvoiceLine",
  columnNames: ["TrackId", "MediaTypeId"],
  columnKeys: ["trackId", "mediaTypeId"],
  referredTableName: "Track",
  referredColumnNames: ["TrackId", "MediaTypeId"],
};

describe("constraintName: a pure function of the constraint and the convention", () => {
  test("every token, in SQLAlchemy's %(token)s syntax and in {token} syntax alike", () => {
    const sqlalchemy = "fk_%(table_name)s_%(column_0_name)s_%(column_1_label)s_%(column_0N_name)s_%(column_0_N_key)s_%(referred_table_name)s_%(referred_column_0_N_name)s";
    const braces = "fk_{table_name}_{column_0_name}_{column_1_label}_{column_0N_name}_{column_0_N_key}_{referred_table_name}_{referred_column_0_N_name}";
    const expected = "fk_InvoiceLine_TrackId_InvoiceLine_MediaTypeId_TrackIdMediaTypeId_trackId_mediaTypeId_Track_TrackId_MediaTypeId";
    assert.deepEqual(constraintName(lineToTrack, { fk: sqlalchemy }), { name: expected, given: false });
    assert.deepEqual(constraintName(lineToTrack, { fk: braces }), { name: expected, given: false });
    assert.deepEqual(constraintName(lineToTrack, { fk: (p) => `${p.tableName}__${p.referredTableName}` }), { name: "InvoiceLine__Track", given: false });
  });

  test("a given name wins, except where the template uses {constraint_name}", () => {
    const named = { ...lineToTrack, constraintName: "FK_InvoiceLineTrackId" };
    assert.deepEqual(constraintName(named, { fk: "fk_{table_name}_{column_0_name}" }), { name: "FK_InvoiceLineTrackId", given: true });
    assert.deepEqual(constraintName(named, { fk: (p) => `x_${p.tableName}` }), { name: "FK_InvoiceLineTrackId", given: true });
    assert.deepEqual(constraintName(named, {}), { name: "FK_InvoiceLineTrackId", given: true });
    const check: ConstraintNameParts = { kind: "ck", tableName: "Invoice", columnNames: [], constraintName: "positive_total" };
    assert.deepEqual(constraintName(check, { ck: "ck_{table_name}_{constraint_name}" }), { name: "ck_Invoice_positive_total", given: false });
  });

  test("without a convention, the names athanor has always generated", () => {
    assert.equal(constraintName(lineToTrack, undefined)?.name, "fk_InvoiceLine_TrackId_MediaTypeId_Track");
    assert.equal(constraintName({ ...lineToTrack, referredTableSchema: "music" }, {})?.name, "fk_InvoiceLine_TrackId_MediaTypeId_music_Track");
    assert.equal(constraintName({ kind: "ix", tableName: "Invoice", columnNames: ["BillingCity", "Total"] }, undefined)?.name, "ix_Invoice_BillingCity_Total");
    assert.equal(constraintName({ kind: "ck", tableName: "Invoice", columnNames: ["Status"] }, undefined)?.name, "ck_Invoice_Status", "an enum's check");
    // Left to the database: primary keys, unique constraints, table-level checks.
    assert.equal(constraintName({ kind: "pk", tableName: "Invoice", columnNames: ["InvoiceId"] }, undefined), undefined);
    assert.equal(constraintName({ kind: "uq", tableName: "Invoice", columnNames: ["Email"] }, { ix: "ix_{table_name}" }), undefined);
    assert.equal(constraintName({ kind: "ck", tableName: "Invoice", columnNames: [] }, undefined), undefined);
  });

  test("a convention with an unknown key or token, or a foreign-key token elsewhere, is refused when the MetaData is made", () => {
    const refused = (convention: object, ...fragments: string[]) =>
      assert.throws(
        () => new MetaData({ namingConvention: convention }),
        (error: unknown) => {
          assert.ok(error instanceof NamingConventionError, String(error));
          for (const fragment of fragments) assert.ok(error.message.includes(fragment), error.message);
          return true;
        },
      );
    refused({ index: "ix_{table_name}" }, "Unknown naming convention key 'index'", "ix (index)");
    refused({ ix: "ix_{tablename}" }, "'ix_{tablename}'", "unknown token 'tablename'", "table_name");
    refused({ uq: "uq_%(referred_table_name)s" }, "'referred_table_name' applies to foreign keys only");
    refused({ fk: "fk_{referred_column_0_label}" }, "referred_column_<n>_name");
    refused({ pk: "" }, "non-empty template");
  });

  test("a token the constraint has no value for is an error naming the constraint and the fix", () => {
    assert.throws(
      () => constraintName({ kind: "ck", tableName: "Invoice", columnNames: [] }, { ck: "ck_{table_name}_{constraint_name}" }),
      (error: unknown) =>
        error instanceof NamingConventionError &&
        error.message.startsWith(
          "The 'ck' naming convention 'ck_{table_name}_{constraint_name}' cannot name the check constraint on 'Invoice': it has no name for {constraint_name}. Give the constraint a name",
        ),
    );
    assert.throws(
      () => constraintName({ kind: "ck", tableName: "Invoice", columnNames: ["Status"] }, { ck: "ck_{table_name}_{constraint_name}" }),
      (error: unknown) => error instanceof NamingConventionError && error.message.includes("enumType(values, { name: ... })"),
      "an enum's check is named through its enum",
    );
    assert.throws(
      () => constraintName({ kind: "ck", tableName: "Invoice", columnNames: [] }, { ck: "ck_{column_0_name}" }),
      (error: unknown) => error instanceof NamingConventionError && /has 0 columns, so no \{column_0_name\}.*table-level check/.test(error.message),
    );
    assert.throws(
      () => constraintName({ kind: "uq", tableName: "Invoice", columnNames: ["A"] }, { uq: () => "" }),
      (error: unknown) => error instanceof NamingConventionError && error.message.includes("must return a non-empty string"),
    );
  });
});

// A cycle (artists' favourite album ↔ albums' artist) whose foreign keys are added after the
// tables and dropped by name before them; names long enough to need cutting on PostgreSQL/MySQL.
const conventional = new MetaData({
  namingConvention: {
    pk: "pk_{table_name}",
    fk: "fk_{table_name}_{column_0_N_name}_{referred_table_name}_{referred_column_0_N_name}",
    uq: "uq_{table_name}_{column_0_N_name}",
    ck: "ck_{table_name}_{column_0_name}",
    ix: "ix_%(column_0_label)s",
  },
});
const artistName = "core_nc_recording_artists_of_the_catalogue";
const albumName = "core_nc_albums";
table(
  artistName,
  conventional,
  { id: integer().primaryKey(), region: integer().notNull(), favouriteAlbum: integer().named("favourite_album_of_the_artist_in_this_catalogue") },
  (c) => [unique([c.id, c.region]), foreignKey([c.favouriteAlbum], albumName, ["id"])],
);
const albums = table(
  albumName,
  conventional,
  {
    id: integer().primaryKey(),
    artistId: integer().notNull().named("artist_id"),
    artistRegion: integer().notNull().named("artist_region"),
    format: enumType(["cd", "vinyl"]).notNull(),
    title: string(60).notNull(),
  },
  (c) => [foreignKey([c.artistId, c.artistRegion], artistName, ["id", "region"]), index([c.title])],
);

const limits = { sqlite: undefined, postgresql: 63, mysql: 64 } as const;

forEachDatabase("naming conventions", (ctx) => {
  test("createAll names constraints and indexes by the convention, cut to the limit; dropAll finds them by the same names", async () => {
    const { engine, db } = ctx;
    await conventional.dropAll(engine);
    await conventional.createAll(engine);
    try {
      const inspector = engine.inspect();
      const albumNames = await inspector.constraintNames(albumName);
      const artistNames = await inspector.constraintNames(artistName);
      assert.equal(albumNames.primaryKey, db.name === "mysql" ? "PRIMARY" : `pk_${albumName}`);
      assert.deepEqual(albumNames.indexes, [`ix_${albumName}_title`]);
      assert.deepEqual(albumNames.checks, db.name === "mysql" ? [] : [`ck_${albumName}_format`], "MySQL's native ENUM needs no check");
      assert.deepEqual(artistNames.uniques, [`uq_${artistName}_id_region`]);

      const albumFk = `fk_${albumName}_artist_id_artist_region_${artistName}_id_region`; // 105 characters
      const artistFk = `fk_${artistName}_favourite_album_of_the_artist_in_this_catalogue_${albumName}_id`;
      assert.equal(albums.foreignKeys[0]!.name, albumFk, "the MetaData's name for it, in full");
      const limit = limits[db.name];
      for (const [seen, full] of [
        [albumNames.foreignKeys, albumFk],
        [artistNames.foreignKeys, artistFk],
      ] as const) {
        assert.equal(seen.length, 1);
        if (limit === undefined) {
          assert.equal(seen[0], full);
        } else {
          assert.equal(seen[0]!.length, limit, `${seen[0]} is cut to the limit`);
          assert.ok(seen[0]!.startsWith(full.slice(0, limit - 9)) && /_[0-9a-f]{8}$/.test(seen[0]!), `${seen[0]} from ${full}`);
        }
      }
    } finally {
      await conventional.dropAll(engine);
    }
    assert.deepEqual((await engine.inspect().tableNames()).filter((n) => n.startsWith("core_nc_")), [], "dropAll dropped the cyclic key by its name");
  });

  test("a convention that cannot name a constraint stops createAll before any DDL runs", async () => {
    const { engine } = ctx;
    const strict = new MetaData({ namingConvention: { ck: "ck_{table_name}_{constraint_name}" } });
    table("core_nc_first", strict, { id: integer().primaryKey() });
    table("core_nc_totals", strict, { id: integer().primaryKey(), total: integer() }, (c) => [check(c.total.ge(0))]);
    await assert.rejects(strict.createAll(engine), (error: unknown) => {
      assert.ok(error instanceof NamingConventionError, String(error));
      assert.ok(error.message.includes("the check constraint on 'core_nc_totals'"), error.message);
      assert.ok(error.message.includes("Give the constraint a name"), error.message);
      return true;
    });
    assert.deepEqual((await engine.inspect().tableNames()).filter((n) => n.startsWith("core_nc_")), [], "no table was created");
  });

  test("a primary key named by the convention on a composite key and on SQLite's rowid key", async () => {
    const { engine, db } = ctx;
    const keyed = new MetaData({ namingConvention: { pk: "PK_{table_name}" } });
    table("core_nc_rowid_key", keyed, { id: integer().primaryKey(), v: integer() });
    table("core_nc_pair_key", keyed, { a: integer(), b: integer() }, (c) => [primaryKey(c.a, c.b)]);
    await keyed.dropAll(engine);
    await keyed.createAll(engine);
    try {
      const inspector = engine.inspect();
      for (const name of ["core_nc_rowid_key", "core_nc_pair_key"]) {
        assert.equal((await inspector.constraintNames(name)).primaryKey, db.name === "mysql" ? "PRIMARY" : `PK_${name}`);
      }
      // The named key is still SQLite's rowid alias: the database generates it.
      await engine.withConnection((conn) => conn.run("INSERT INTO core_nc_rowid_key (v) VALUES (7)"));
      const { rows } = await engine.withConnection((conn) => conn.run("SELECT id FROM core_nc_rowid_key"));
      assert.deepEqual(rows.map((r) => Number(r.id)), [1]);
    } finally {
      await keyed.dropAll(engine);
    }
  });
});
