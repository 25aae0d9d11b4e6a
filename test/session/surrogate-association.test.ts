/**
 * Both many-to-many forms over an association table with its own surrogate key (issue 17, item 1):
 * invoice lines keyed by a generated `invoice_line_id`, mapped as association objects
 * (`SaInvoiceLine`) and as a read/write many-to-many (`SaInvoice.tracks`, `SaTrack.invoices`).
 * A link added through the many-to-many is one new line whose key the database generates; a link
 * removed through it deletes that line, found by its link columns (loading the lines when they are
 * not loaded); the lines and the views agree before and after each flush, and each row is written
 * once. A table that allows a link twice is refused at configuration.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ArgumentError,
  DeclarativeBase,
  MappingConfigurationError,
  Registry,
  Session,
  StaleDataError,
  column,
  columnsOf,
  inspect,
  integer,
  manyToMany,
  manyToOne,
  model,
  oneToMany,
  select,
  selectinLoad,
  sql,
  table,
  unique,
  type Rel,
} from "../../src/index.js";
import { InvoiceLineBase, SaInvoice, SaInvoiceLine, SaTrack } from "./fixtures/invoice-lines.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { assertSameObjects } from "../support/same-objects.js";

forEachDatabaseWithSchema("surrogate-keyed association table, both forms", InvoiceLineBase.metadata, (ctx) => {
  /** Runs raw SQL in `session`'s transaction when given (SQLite in memory has one connection), else on its own. */
  const run = async <Row,>(query: ReturnType<typeof sql<Row>>, session?: Session) =>
    (session ? await (await session.connection()).execute(query) : await ctx.engine.execute(query)).rows;
  /** Every line as `invoice-track:price x quantity`, read with raw SQL. */
  const lines = async (session?: Session) =>
    (
      await run(
        sql<{ i: number; t: number; p: number; q: number }>`SELECT invoice_id AS i, track_id AS t, unit_price AS p, quantity AS q FROM sa_invoice_lines ORDER BY invoice_id, track_id`,
        session,
      )
    ).map((r) => `${Number(r.i)}-${Number(r.t)}:${(Number(r.p) / 100).toFixed(2)}x${Number(r.q)}`);
  const lineIds = async (session?: Session) =>
    (await run(sql<{ id: number }>`SELECT invoice_line_id AS id FROM sa_invoice_lines ORDER BY invoice_line_id`, session)).map((r) => Number(r.id));
  // The catalog read of PostgreSQL's key order (once per table and engine) is not the flush's statement shape.
  const kinds = () => ctx.statements.filter((s) => !s.includes("pg_get_serial_sequence")).map((s) => s.split(" ")[0]);

  /** Invoice 1 with tracks 10 and 20 (written as lines), invoice 2 without, track 30 unlinked. */
  async function seed() {
    const session = ctx.session();
    const invoices = [1, 2].map((invoiceId) => Object.assign(new SaInvoice(), { invoiceId, customer: `c${invoiceId}` }));
    const tracks = [10, 20, 30].map((trackId) => Object.assign(new SaTrack(), { trackId, name: `t${trackId}`, unitPrice: trackId === 30 ? 199 : 99 }));
    session.addAll([...invoices, ...tracks]);
    await session.flush();
    for (const track of tracks.slice(0, 2)) session.add(Object.assign(new SaInvoiceLine(), { invoice: invoices[0], track, unitPrice: 50, quantity: 3 }));
    await session.commit();
    await session.close();
  }

  test("appending through the many-to-many inserts one line: the key generated, the defaults applied, both forms agree", async () => {
    const session = ctx.session();
    const invoice = Object.assign(new SaInvoice(), { invoiceId: 1 });
    const [t10, t20] = [10, 20].map((trackId) => Object.assign(new SaTrack(), { trackId, name: `t${trackId}` }));
    invoice.tracks.push(t10!, t20!);
    // The association objects exist at once, linked to both ends; the database has not keyed them yet.
    assert.equal(invoice.lines.length, 2);
    assertSameObjects(invoice.lines.map((l) => l.track), [t10!, t20!]);
    assert.equal(invoice.lines[0]!.invoice, invoice);
    assertSameObjects(t10!.invoices, [invoice], "the other view shows the link too");
    assert.equal(invoice.lines[0]!.quantity, 1, "the client-side default");
    session.add(invoice);
    await session.flush();
    // SQLite: the lines' keys are generated, so one INSERT each (generated-key-order.ts).
    assert.deepEqual(kinds(), ctx.db.name === "sqlite" ? ["INSERT", "INSERT", "INSERT", "INSERT"] : ["INSERT", "INSERT", "INSERT"], "the invoice, the tracks, the lines (one statement for both)");
    const ids = await lineIds(session);
    assert.equal(ids.length, 2, "one row per link, not two");
    assert.deepEqual(await lines(session), ["1-10:0.99x1", "1-20:0.99x1"], "server default price, default quantity");
    const written = invoice.lines.map((l) => l.invoiceLineId).sort((a, b) => a - b);
    assert.deepEqual(written, ids, "the objects hold the generated keys");
    assertSameObjects(invoice.tracks, [t10!, t20!], "the view after the flush");
    await session.commit();
    await session.close();

    // A persistent invoice whose lines are not loaded: one INSERT, and the line is the view's.
    const other = ctx.session();
    const [again] = await other.scalars(select(SaInvoice).options(selectinLoad(SaInvoice, "tracks")));
    const t30 = Object.assign(new SaTrack(), { trackId: 30, name: "t30" });
    other.add(t30);
    await other.flush();
    ctx.reset();
    again!.tracks.push(t30);
    await other.flush();
    assert.deepEqual(kinds(), ["INSERT"]);
    assert.deepEqual(await lines(other), ["1-10:0.99x1", "1-20:0.99x1", "1-30:0.99x1"]);
    await other.commit();
    const [reread] = await other.scalars(select(SaInvoice).options(selectinLoad(SaInvoice, "lines", "track"), selectinLoad(SaInvoice, "tracks")));
    assert.deepEqual(reread!.tracks.map((t) => t.trackId).sort(), [10, 20, 30]);
    assert.deepEqual(reread!.lines.map((l) => l.track.trackId).sort(), [10, 20, 30]);
  });

  test("a creator makes the line: the track's price and its quantity are written", async () => {
    await seed();
    const session = ctx.session();
    const [t30] = await session.scalars(select(SaTrack).where(columnsOf(SaTrack).trackId.eq(30)).options(selectinLoad(SaTrack, "lines")));
    const invoice = (await session.get(SaInvoice, 2))!;
    ctx.reset();
    t30!.invoices.push(invoice);
    const [line] = t30!.lines;
    assert.ok(line instanceof SaInvoiceLine);
    assert.equal(line.unitPrice, 199);
    assert.equal(line.track, t30, "the end the creator left unset is set");
    assert.equal(line.invoice, invoice);
    assertSameObjects(t30!.invoices, [invoice], "the view, made from the lines");
    await session.commit();
    assert.deepEqual(kinds(), ["INSERT"]);
    assert.deepEqual(await lines(), ["1-10:0.50x3", "1-20:0.50x3", "2-30:1.99x2"]);
  });

  test("removing through the many-to-many with the lines not loaded: they are loaded, and the one line deleted by its key", async () => {
    await seed();
    const before = await lineIds();
    const session = ctx.session();
    const [invoice] = await session.scalars(select(SaInvoice).where(columnsOf(SaInvoice).invoiceId.eq(1)).options(selectinLoad(SaInvoice, "tracks")));
    const t20 = invoice!.tracks.find((t) => t.trackId === 20)!;
    ctx.reset();
    invoice!.tracks.splice(invoice!.tracks.indexOf(t20), 1);
    assert.deepEqual(kinds(), [], "nothing read or written before the flush");
    await session.flush();
    assert.deepEqual(kinds(), ["SELECT", "DELETE"], "the invoice's lines, then the line's row");
    assert.deepEqual(await lines(session), ["1-10:0.50x3"]);
    assert.deepEqual(await lineIds(session), [before[0]], "the other line keeps its row and key");
    // The loaded lines agree with the view.
    assert.deepEqual(invoice!.lines.map((l) => l.trackId), [10]);
    assert.deepEqual(invoice!.tracks.map((t) => t.trackId), [10]);
    await session.commit();
    assert.deepEqual(await lines(), ["1-10:0.50x3"]);
  });

  test("removing through the many-to-many with the lines loaded: one DELETE, and the line leaves both forms at once", async () => {
    await seed();
    const session = ctx.session();
    const [invoice] = await session.scalars(
      select(SaInvoice).where(columnsOf(SaInvoice).invoiceId.eq(1)).options(selectinLoad(SaInvoice, "lines", "track")),
    );
    const [t10, t20] = invoice!.lines.map((l) => l.track).sort((a, b) => a.trackId - b.trackId);
    const removed = invoice!.lines.find((l) => l.track === t20)!;
    ctx.reset();
    invoice!.tracks.splice(invoice!.tracks.indexOf(t20!), 1);
    assertSameObjects(invoice!.tracks, [t10!]);
    assert.deepEqual(invoice!.lines.map((l) => l.track.trackId), [10], "the line left the association objects at once");
    await session.commit();
    assert.deepEqual(kinds(), ["DELETE"]);
    assert.deepEqual(await lines(), ["1-10:0.50x3"]);
    assert.equal(inspect(removed).status, "detached", "the line object was deleted");
  });

  test("one writer: a line made as an object shows in the view and is inserted once; removed from the lines, it leaves the view", async () => {
    await seed();
    const session = ctx.session();
    const [invoice] = await session.scalars(select(SaInvoice).where(columnsOf(SaInvoice).invoiceId.eq(2)).options(selectinLoad(SaInvoice, "lines")));
    const t30 = (await session.get(SaTrack, 30))!;
    const line = Object.assign(new SaInvoiceLine(), { invoice, track: t30, unitPrice: 500, quantity: 4 });
    session.add(line);
    assertSameObjects(invoice!.tracks, [t30]);
    assertSameObjects(invoice!.lines, [line]);
    ctx.reset();
    await session.commit();
    assert.deepEqual(kinds(), ["INSERT"], "one line, once");
    assert.equal(typeof line.invoiceLineId, "number");
    assert.deepEqual(await lines(), ["1-10:0.50x3", "1-20:0.50x3", "2-30:5.00x4"]);

    // Removing it through the lines leaves the view too; the DELETE is written once.
    const [reread] = await session.scalars(select(SaInvoice).where(columnsOf(SaInvoice).invoiceId.eq(2)).options(selectinLoad(SaInvoice, "lines", "track")));
    assertSameObjects(reread!.tracks, [reread!.lines[0]!.track]);
    const gone = reread!.lines.pop()!;
    assert.equal(reread!.tracks.length, 0);
    ctx.reset();
    await session.commit();
    assert.deepEqual(kinds(), ["DELETE"]);
    assert.equal(inspect(gone).status, "detached");
    assert.deepEqual(await lines(), ["1-10:0.50x3", "1-20:0.50x3"]);
  });

  test("a link added and removed before a flush, the lines not loaded, writes nothing", async () => {
    await seed();
    const session = ctx.session();
    const [invoice] = await session.scalars(select(SaInvoice).where(columnsOf(SaInvoice).invoiceId.eq(2)).options(selectinLoad(SaInvoice, "tracks")));
    const t30 = (await session.get(SaTrack, 30))!;
    invoice!.tracks.push(t30);
    invoice!.tracks.pop();
    ctx.reset();
    await session.commit();
    assert.deepEqual(kinds().filter((k) => k !== "SELECT"), [], "no INSERT, no DELETE");
    assert.deepEqual(await lines(), ["1-10:0.50x3", "1-20:0.50x3"]);
  });

  test("a list assigned while not loaded: the links left out delete their lines, the one added inserts one", async () => {
    await seed();
    const session = ctx.session();
    const invoice = (await session.get(SaInvoice, 1))!;
    const t30 = (await session.get(SaTrack, 30))!;
    const kept = await lineIds(session);
    invoice.tracks = [t30];
    ctx.reset();
    await session.commit();
    assert.deepEqual(kinds(), ["SELECT", "SELECT", "INSERT", "DELETE"], "the tracks, the lines, the new line, the two lines left out");
    assert.deepEqual(await lines(), ["1-30:0.99x1"]);
    assert.equal((await lineIds()).filter((id) => kept.includes(id)).length, 0);
  });

  test("a link removed inside a savepoint rolled back stays: the list is as it was, and no line is deleted", async () => {
    await seed();
    const session = ctx.session();
    const [invoice] = await session.scalars(select(SaInvoice).where(columnsOf(SaInvoice).invoiceId.eq(1)).options(selectinLoad(SaInvoice, "tracks")));
    const savepoint = await session.beginNested();
    invoice!.tracks.splice(invoice!.tracks.findIndex((t) => t.trackId === 20), 1);
    await savepoint.rollback();
    assert.deepEqual(invoice!.tracks.map((t) => t.trackId).sort(), [10, 20]);
    ctx.reset();
    await session.commit();
    assert.deepEqual(kinds().filter((k) => k !== "SELECT"), []);
    assert.deepEqual(await lines(), ["1-10:0.50x3", "1-20:0.50x3"]);
  });

  test("a link removed and added again before a flush, the lines not loaded: its row is kept and updated, not deleted and inserted", async () => {
    await seed();
    const before = await lineIds();
    const session = ctx.session();
    const [t10] = await session.scalars(select(SaTrack).where(columnsOf(SaTrack).trackId.eq(10)).options(selectinLoad(SaTrack, "invoices")));
    const invoice = t10!.invoices[0]!;
    t10!.invoices.pop();
    t10!.invoices.push(invoice); // the creator's line: quantity 2 at the track's price
    ctx.reset();
    await session.commit();
    assert.deepEqual(kinds(), ["SELECT", "UPDATE"], "the track's lines, then the row switch");
    assert.deepEqual(await lines(), ["1-10:0.99x2", "1-20:0.50x3"]);
    assert.deepEqual(await lineIds(), before, "the same rows, the same keys");
  });

  test("a link removed while another transaction deleted its line: StaleDataError, nothing written", async () => {
    await seed();
    const session = ctx.session();
    const [invoice] = await session.scalars(select(SaInvoice).where(columnsOf(SaInvoice).invoiceId.eq(1)).options(selectinLoad(SaInvoice, "tracks")));
    await run(sql`DELETE FROM sa_invoice_lines WHERE track_id = 20`, ctx.db.name === "sqlite" ? session : undefined);
    invoice!.tracks.splice(invoice!.tracks.findIndex((t) => t.trackId === 20), 1);
    invoice!.customer = "changed";
    await assert.rejects(session.flush(), (error: unknown) => {
      assert.ok(error instanceof StaleDataError);
      // Read committed (PostgreSQL, SQLite) sees the row gone when loading the lines; MariaDB's
      // snapshot still shows it, and the DELETE by its key then matches none.
      assert.match(
        error.message,
        /The link of SaInvoice \(invoiceId=1\) to SaTrack \(trackId=20\) removed from SaInvoice\.tracks is not in 'sa_invoice_lines'|DELETE of SaInvoiceLine \(invoiceLineId=\d+\) matched 0 rows/,
      );
      return true;
    });
    await session.rollback();
    // On SQLite the other "transaction" was the session's own, rolled back with it.
    assert.deepEqual(await lines(), ctx.db.name === "sqlite" ? ["1-10:0.50x3", "1-20:0.50x3"] : ["1-10:0.50x3"]);
    assert.equal(await ctx.count("sa_invoices", "customer = 'changed'"), 0);
  });
}, { createOnce: true });

test("configuration: a surrogate-keyed association without a unique constraint over its links is ambiguous for a writable many-to-many", () => {
  class Base extends DeclarativeBase {}
  @model("amb_invoices")
  class AmbInvoice extends Base {
    @column(integer().primaryKey()) accessor id!: number;
    @oneToMany("AmbLine" as never, { backPopulates: "invoice" }) accessor lines!: Rel<AmbLine[], "invoice">;
    @manyToMany("AmbTrack" as never, { secondary: "amb_lines" }) accessor tracks!: Rel<AmbTrack[], never>;
  }
  @model("amb_tracks")
  class AmbTrack extends Base {
    @column(integer().primaryKey()) accessor id!: number;
  }
  @model("amb_lines")
  class AmbLine extends Base {
    @column(integer().primaryKey()) accessor id!: number;
    @column(integer().named("invoice_id").notNull().references("amb_invoices.id")) accessor invoiceId!: number;
    @column(integer().named("track_id").notNull().references("amb_tracks.id")) accessor trackId!: number;
    @manyToOne("AmbInvoice" as never, { backPopulates: "lines" }) accessor invoice!: Rel<AmbInvoice, "lines">;
    @manyToOne("AmbTrack" as never) accessor track!: Rel<AmbTrack, never>;
  }
  assert.ok(AmbTrack && AmbLine);
  const error = configureError(Base.registry);
  assert.equal(error.problems.length, 1, error.message);
  const [problem] = error.problems;
  assert.equal(`${problem!.model}.${problem!.attribute}`, "AmbInvoice.tracks");
  assert.match(problem!.message, /primary key \(id\) is not its link columns \(invoice_id, track_id\), and no unique constraint covers them/);
  assert.match(problem!.fix, /Add a unique constraint over \(invoice_id, track_id\) to 'amb_lines' \(e\.g\. .*unique\(\[c\.invoiceId, c\.trackId\]\)/);
  assert.match(problem!.fix, /or declare AmbInvoice\.tracks with viewonly: true/);
});

test("configuration: the same schema with viewonly, or with a unique constraint, configures", () => {
  for (const variant of ["viewonly", "unique"] as const) {
    const registry = new Registry();
    const invoices = table("invoices", registry.metadata, { id: integer().primaryKey() });
    const tracks = table("tracks", registry.metadata, { id: integer().primaryKey() });
    const lines = table(
      "lines",
      registry.metadata,
      {
        id: integer().primaryKey(),
        invoiceId: integer().notNull().references("invoices.id"),
        trackId: integer().notNull().references("tracks.id"),
        quantity: integer().notNull(),
      },
      variant === "unique" ? (c) => [unique([c.invoiceId, c.trackId])] : undefined,
    );
    class Invoice {}
    class Track {}
    class Line {}
    registry.mapImperatively(Invoice, invoices, {
      properties: {
        lines: oneToMany("Line" as never, { backPopulates: "invoice" }),
        tracks: manyToMany("Track" as never, {
          secondary: "lines",
          ...(variant === "viewonly" ? { viewonly: true } : { creator: () => Object.assign(new Line(), { quantity: 1 }) }),
        }),
      },
    });
    registry.mapImperatively(Track, tracks);
    registry.mapImperatively(Line, lines, {
      properties: { invoice: manyToOne("Invoice" as never, { backPopulates: "lines" }), track: manyToOne("Track" as never) },
    });
    registry.configure();
  }
});

test("configuration: a surrogate-keyed association with no one-to-many to it cannot find a link's row to remove", () => {
  const registry = new Registry();
  table("invoices", registry.metadata, { id: integer().primaryKey() });
  table("tracks", registry.metadata, { id: integer().primaryKey() });
  const lines = table(
    "lines",
    registry.metadata,
    { id: integer().primaryKey(), invoiceId: integer().notNull().references("invoices.id"), trackId: integer().notNull().references("tracks.id") },
    (c) => [unique([c.invoiceId, c.trackId])],
  );
  class Invoice {}
  class Track {}
  class Line {}
  registry.mapImperatively(Invoice, registry.metadata.tables.get("invoices")!, { properties: { tracks: manyToMany("Track" as never, { secondary: "lines" }) } });
  registry.mapImperatively(Track, registry.metadata.tables.get("tracks")!);
  registry.mapImperatively(Line, lines, { properties: { invoice: manyToOne("Invoice" as never), track: manyToOne("Track" as never) } });
  const [problem, ...rest] = configureError(registry).problems;
  assert.equal(rest.length, 0);
  assert.equal(`${problem!.model}.${problem!.attribute}`, "Invoice.tracks");
  assert.match(problem!.message, /needs a one-to-many to Line/);
  assert.match(problem!.fix, /Add @oneToMany\("Line", \{ backPopulates: "invoice" \}\) to Invoice/);
});

test("configuration: a NOT NULL extra column without a default is filled by a creator, or reported with the creator as a fix", () => {
  const build = (withCreator: boolean) => {
    const registry = new Registry();
    table("invoices", registry.metadata, { id: integer().primaryKey() });
    table("tracks", registry.metadata, { id: integer().primaryKey() });
    const lines = table(
      "lines",
      registry.metadata,
      {
        id: integer().primaryKey(),
        invoiceId: integer().notNull().references("invoices.id"),
        trackId: integer().notNull().references("tracks.id"),
        quantity: integer().notNull(),
      },
      (c) => [unique([c.invoiceId, c.trackId])],
    );
    class Invoice {}
    class Track {}
    class Line {}
    registry.mapImperatively(Invoice, registry.metadata.tables.get("invoices")!, {
      properties: {
        lines: oneToMany("Line" as never, { backPopulates: "invoice" }),
        tracks: manyToMany("Track" as never, { secondary: "lines", ...(withCreator ? { creator: () => new Line() } : {}) }),
      },
    });
    registry.mapImperatively(Track, registry.metadata.tables.get("tracks")!);
    registry.mapImperatively(Line, lines, { properties: { invoice: manyToOne("Invoice" as never, { backPopulates: "lines" }), track: manyToOne("Track" as never) } });
    return registry;
  };
  build(true).configure();
  const [problem] = configureError(build(false)).problems;
  assert.match(problem!.message, /a link added through Invoice\.tracks creates a Line, but Line\.quantity is NOT NULL with no default/);
  assert.match(problem!.fix, /creator: \(member, owner\) => new Line\(\.\.\.\)/);
});

test("configuration: a creator on a relationship that makes no association objects is refused", () => {
  const registry = new Registry();
  table("tags", registry.metadata, { id: integer().primaryKey() });
  table("posts", registry.metadata, { id: integer().primaryKey() });
  table("post_tags", registry.metadata, { postId: integer().references("posts.id").primaryKey(), tagId: integer().references("tags.id").primaryKey() });
  class Post {}
  class Tag {}
  registry.mapImperatively(Post, registry.metadata.tables.get("posts")!, {
    properties: { tags: manyToMany("Tag" as never, { secondary: "post_tags", creator: () => ({}) }) },
  });
  registry.mapImperatively(Tag, registry.metadata.tables.get("tags")!);
  const [problem] = configureError(registry).problems;
  assert.equal(`${problem!.model}.${problem!.attribute}`, "Post.tags");
  assert.match(problem!.message, /creator makes association objects, but Post\.tags is not a many-to-many over a mapped association table/);
});

test("a creator that returns something other than the association object is refused, naming the relationship and the fix", () => {
  const registry = new Registry();
  table("invoices", registry.metadata, { id: integer().primaryKey() });
  table("tracks", registry.metadata, { id: integer().primaryKey() });
  const lines = table(
    "lines",
    registry.metadata,
    { id: integer().primaryKey(), invoiceId: integer().notNull().references("invoices.id"), trackId: integer().notNull().references("tracks.id") },
    (c) => [unique([c.invoiceId, c.trackId])],
  );
  class Invoice {
    declare tracks: object[];
  }
  class Track {}
  class Line {}
  registry.mapImperatively(Invoice, registry.metadata.tables.get("invoices")!, {
    properties: { lines: oneToMany("Line" as never, { backPopulates: "invoice" }), tracks: manyToMany("Track" as never, { secondary: "lines", creator: () => ({ quantity: 1 }) }) },
  });
  registry.mapImperatively(Track, registry.metadata.tables.get("tracks")!);
  registry.mapImperatively(Line, lines, { properties: { invoice: manyToOne("Invoice" as never, { backPopulates: "lines" }), track: manyToOne("Track" as never) } });
  registry.configure();
  assert.throws(
    () => new Invoice().tracks.push(new Track()),
    (error: unknown) =>
      error instanceof ArgumentError && /^Invoice\.tracks: creator returned an instance of Object, not a Line\. Return the association object, e\.g\. \(member, owner\) => new Line\(\.\.\.\)\.$/.test(error.message),
  );
});

function configureError(registry: Registry): MappingConfigurationError {
  try {
    registry.configure();
  } catch (error) {
    if (error instanceof MappingConfigurationError) return error;
    throw error;
  }
  assert.fail("configure() succeeded");
}
