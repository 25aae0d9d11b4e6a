/**
 * Issue 17's acceptance: a Chinook-shaped sample database, created and filled by its own SQL
 * script per dialect (PascalCase tables and columns, a surrogate-keyed `InvoiceLine` with a unique
 * constraint over its links, a plain `PlaylistTrack`, a self-referential `Employee`), loaded with
 * raw SQL and never with createAll, then mapped one model per file through the registry's
 * `PascalCase` naming strategy onto camelCase attributes. Every answer the ORM gives is compared
 * with the same question asked in raw SQL in the same run, on SQLite, PostgreSQL and MariaDB.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import {
  ExpiredAttributeError,
  NullIdentityKeyError,
  Session,
  and,
  columnsOf,
  create,
  createEngine,
  func,
  inspect,
  joinedLoad,
  lazy,
  select,
  selectinLoad,
  sql,
  type Engine,
} from "../../src/index.js";
import { ChinookBase, Customer, Employee, Genre, Invoice, InvoiceLine, MediaType, Playlist, Track } from "./fixtures/chinook/index.js";
import { CHINOOK_TABLES, chinookRows, chinookScript, statementsOf, type ScriptDialect } from "./fixtures/chinook-script.js";
import { testDatabases } from "../support/databases.js";

const utc = (text: string) => new Date(`${text.replace(" ", "T")}Z`);
/** A decimal as raw SQL returns it (a number on SQLite, a string elsewhere) in the column's scale. */
const money = (value: unknown) => Number(value).toFixed(2);
const rows = chinookRows();

const e = columnsOf(Employee);
const g = columnsOf(Genre);
const i = columnsOf(Invoice);
const l = columnsOf(InvoiceLine);
const t = columnsOf(Track);

for (const base of await testDatabases()) {
  // A file, not memory: raw SQL runs beside an open session, on a second connection.
  const db = base.name === "sqlite" ? { ...base, url: `sqlite:///${tmpdir()}/athanor-${process.pid}-chinook.db` } : base;
  describe(`the Chinook-shaped sample, loaded from its script [${db.name}]`, { skip: db.skip }, () => {
    let engine: Engine;
    /** Data statements the engine ran since the last reset. */
    const statements: string[] = [];
    const sessions: Session[] = [];
    const session = () => {
      const made = new Session(engine);
      sessions.push(made);
      return made;
    };
    const kinds = () => statements.map((s) => s.split(" ")[0]);
    const q = (name: string) => (db.name === "mysql" ? `\`${name}\`` : `"${name}"`);
    /** Raw SQL in the database's names: `{Invoice}` quotes an identifier for this dialect. */
    const raw = async (text: string): Promise<Record<string, unknown>[]> =>
      (await engine.execute(sql<Record<string, unknown>>`${sql.raw(text.replace(/\{(\w+)\}/g, (_, name: string) => q(name)))}`)).rows;
    const count = async (table: string, where = "") => Number((await raw(`SELECT count(*) AS n FROM {${table}} ${where}`))[0]!.n);

    before(() => {
      engine = createEngine(db.url, {
        echo: (message) => {
          const text = message.split("\n")[0]!;
          if (/^(SELECT|INSERT|UPDATE|DELETE)\b/i.test(text)) statements.push(text);
        },
      });
    });
    beforeEach(async () => {
      // The sample's script, statement by statement, as a database tool would run it.
      for (const statement of statementsOf(chinookScript(db.name as ScriptDialect))) await engine.execute(sql`${sql.raw(statement)}`);
      statements.length = 0;
    });
    afterEach(async () => {
      for (const s of sessions.splice(0)) await s.close();
    });
    after(async () => {
      for (const table of [...CHINOOK_TABLES].reverse()) await raw(`DROP TABLE IF EXISTS {${table}}`);
      await engine.dispose();
      if (db !== base) for (const suffix of ["", "-wal", "-shm"]) rmSync(`${db.url.slice("sqlite:///".length)}${suffix}`, { force: true });
    });

    test("the script's tables have exactly the columns the naming strategy gives the models", async () => {
      const inspector = engine.inspect();
      const tables = await inspector.tableNames();
      for (const table of ChinookBase.metadata.tables.values()) {
        assert.ok(tables.includes(table.name), `table ${table.name} in ${tables.join(", ")}`);
        const described = (await inspector.describeTable(table.name))!.columns.map((c) => c.name);
        assert.deepEqual(table.columnList.map((c) => c.name), described, table.name);
      }
      assert.equal(ChinookBase.metadata.tables.size, CHINOOK_TABLES.length);
    });

    test("select(func.count()).from(Model) counts every table as raw SQL does, and the script's rows", async () => {
      const s = session();
      const models = { Genre, MediaType, Track, Playlist, Employee, Customer, Invoice, InvoiceLine } as const;
      for (const [table, model] of Object.entries(models)) {
        const counted = Number(await s.scalar(select(func.count()).from(model)));
        assert.equal(counted, await count(table), table);
        assert.equal(counted, rows[table]!.rows.length, table);
      }
      const rock = Number(await s.scalar(select(func.count()).from(Track).join(Genre).where(g.name.eq("Rock"))));
      assert.equal(rock, await count("Track", `JOIN {Genre} g ON g.{GenreId} = {Track}.{GenreId} WHERE g.{Name} = 'Rock'`));
      assert.ok(rock > 0);
    });

    test("a month's invoices by date range: the first instant in, the next month's midnight out, rows written by the script and by the ORM", async () => {
      const s = session();
      // Two more invoices written by the ORM, on the edges of February.
      const customer = (await s.get(Customer, 1))!;
      const edges = ["2021-02-01 00:00:00", "2021-03-01 00:00:00"].map((date) =>
        Object.assign(new Invoice(), { customer, invoiceDate: utc(date), billingCity: customer.city, billingCountry: customer.country, total: "0.00" as const }),
      );
      s.addAll(edges);
      await s.commit();
      const [inFeb, inMarch] = edges.map((inv) => inv.invoiceId);
      if (db.name === "sqlite") {
        // Stored as SQLite itself writes datetimes, so that text comparison orders them right.
        const stored = await raw(`SELECT {InvoiceDate} AS d FROM {Invoice} WHERE {InvoiceId} IN (${inFeb}, ${inMarch}) ORDER BY {InvoiceId}`);
        assert.deepEqual(stored.map((r) => r.d), ["2021-02-01 00:00:00", "2021-03-01 00:00:00"]);
      }
      for (const [from, to] of [["2021-01-01 00:00:00", "2021-02-01 00:00:00"], ["2021-02-01 00:00:00", "2021-03-01 00:00:00"]] as const) {
        const expected = await raw(
          `SELECT {InvoiceId} AS id, {Total} AS total FROM {Invoice} WHERE {InvoiceDate} >= '${from}' AND {InvoiceDate} < '${to}' ORDER BY {InvoiceDate}, {InvoiceId}`,
        );
        const found = await s.scalars(select(Invoice).where(and(i.invoiceDate.ge(utc(from)), i.invoiceDate.lt(utc(to)))).orderBy(i.invoiceDate, i.invoiceId));
        assert.deepEqual(found.map((inv) => inv.invoiceId), expected.map((r) => Number(r.id)), `${from} to ${to}`);
        assert.deepEqual(found.map((inv) => inv.total), expected.map((r) => money(r.total)), "the totals, Decimal strings with the column's scale");
        for (const inv of found) assert.ok(inv.invoiceDate >= utc(from) && inv.invoiceDate < utc(to), inv.invoiceDate.toISOString());
      }
      const february = (await s.scalars(select(i.invoiceId).where(and(i.invoiceDate.ge(utc("2021-02-01 00:00:00")), i.invoiceDate.lt(utc("2021-03-01 00:00:00")))))).map(Number);
      assert.ok(february.includes(11) && february.includes(inFeb!), "February's first instant, from the script and from the ORM");
      assert.ok(!february.includes(10) && !february.includes(25) && !february.includes(inMarch!), "January's last second and March's first instant are out");
    });

    test("revenue per genre: sum(unitPrice × quantity) is a Decimal equal to raw SQL's and to the script's own arithmetic", async () => {
      const s = session();
      const revenue = await s.execute(
        select(g.name, func.sum(l.unitPrice.times(l.quantity)).label("revenue"), func.avg(l.unitPrice).label("average"))
          .from(InvoiceLine)
          .join(Track)
          .join(Genre)
          .groupBy(g.name)
          .orderBy(g.name),
      );
      const expected = await raw(
        `SELECT g.{Name} AS name, SUM(l.{UnitPrice} * l.{Quantity}) AS revenue, AVG(l.{UnitPrice}) AS average FROM {InvoiceLine} l ` +
          `JOIN {Track} t ON t.{TrackId} = l.{TrackId} JOIN {Genre} g ON g.{GenreId} = t.{GenreId} GROUP BY g.{Name} ORDER BY g.{Name}`,
      );
      assert.deepEqual(revenue.map(([name, sum]) => [name, sum]), expected.map((r) => [r.name, money(r.revenue)]));
      for (const [, sum, average] of revenue) {
        assert.match(sum!, /^\d+\.\d{2}$/, "a Decimal string with the price's scale");
        assert.equal(typeof average, "string", "avg of decimals is a Decimal too");
      }
      assert.deepEqual(revenue.map(([, , average]) => Number(average).toFixed(6)), expected.map((r) => Number(r.average).toFixed(6)));

      // The script's rows in integer cents: what the database summed is exact.
      const genreOf = new Map(rows.Track!.rows.map((r) => [r[0] as number, r[4] as number | null]));
      const cents = new Map<string, number>();
      for (const [, , trackId, price, quantity] of rows.InvoiceLine!.rows) {
        const genre = genreOf.get(trackId as number);
        if (genre === null || genre === undefined) continue;
        const name = rows.Genre!.rows[genre - 1]![1] as string;
        cents.set(name, (cents.get(name) ?? 0) + Math.round(Number(price) * 100) * (quantity as number));
      }
      assert.deepEqual(new Map(revenue.map(([name, sum]) => [name, sum])), new Map([...cents].map(([name, c]) => [name, (c / 100).toFixed(2)])));

      // The lines' own total per invoice equals the stored total, as strings.
      const [total] = await s.scalars(select(func.sum(l.unitPrice.times(l.quantity)).label("sum")).where(l.invoiceId.eq(7)));
      assert.equal(total, (await s.get(Invoice, 7))!.total);
    });

    test("the employee hierarchy: who reports to whom, two levels, through reports and reportsTo", async () => {
      const s = session();
      const expected = await raw(
        `SELECT boss.{LastName} AS boss, m.{LastName} AS manager, e.{LastName} AS employee FROM {Employee} e ` +
          `JOIN {Employee} m ON e.{ReportsTo} = m.{EmployeeId} JOIN {Employee} boss ON m.{ReportsTo} = boss.{EmployeeId} ORDER BY boss.{LastName}, m.{LastName}, e.{LastName}`,
      );
      assert.equal(expected.length, 5);
      statements.length = 0;
      const tops = await s.scalars(select(Employee).where(e.reportsToId.isNull()).options(selectinLoad(Employee, "reports", "reports")));
      assert.deepEqual(kinds(), ["SELECT", "SELECT", "SELECT"], `the top, then one statement per level: ${statements.join("\n")}`);
      const chains = tops.flatMap((top) => top.reports.flatMap((manager) => manager.reports.map((staff) => ({ boss: top.lastName, manager: manager.lastName, employee: staff.lastName }))));
      const byName = (a: { boss: string; manager: string; employee: string }, b: typeof a) =>
        a.boss.localeCompare(b.boss) || a.manager.localeCompare(b.manager) || a.employee.localeCompare(b.employee);
      assert.deepEqual(chains.sort(byName), expected.map((r) => ({ boss: r.boss, manager: r.manager, employee: r.employee })));

      // From the other end: each employee's manager, read through the many-to-one.
      const direct = await raw(
        `SELECT e.{EmployeeId} AS id, m.{EmployeeId} AS manager FROM {Employee} e LEFT JOIN {Employee} m ON e.{ReportsTo} = m.{EmployeeId} ORDER BY e.{EmployeeId}`,
      );
      const everyone = await s.scalars(select(Employee).orderBy(e.employeeId));
      const managers = await Promise.all(everyone.map(async (employee) => (await lazy(employee).reportsTo)?.employeeId ?? null));
      assert.deepEqual(managers, direct.map((r) => (r.manager === null ? null : Number(r.manager))));
      const staff = everyone.find((x) => x.employeeId === 7)!;
      assert.equal(staff.reportsTo?.reportsTo?.title, "General Manager", "two levels up");
    });

    test("a playlist's tracks via selectinLoad: two statements, the tracks raw SQL finds through PlaylistTrack", async () => {
      const s = session();
      const [favourites] = await s.scalars(select(Playlist).where(columnsOf(Playlist).name.eq("Favourites")).options(selectinLoad(Playlist, "tracks")));
      assert.deepEqual(kinds(), ["SELECT", "SELECT"]);
      const expected = await raw(
        `SELECT pt.{TrackId} AS id FROM {PlaylistTrack} pt JOIN {Playlist} p ON p.{PlaylistId} = pt.{PlaylistId} WHERE p.{Name} = 'Favourites' ORDER BY pt.{TrackId}`,
      );
      assert.deepEqual(favourites!.tracks.map((track) => track.trackId).sort((a, b) => a - b), expected.map((r) => Number(r.id)));
      assert.ok(expected.length > 20);
      const [empty] = await s.scalars(select(Playlist).where(columnsOf(Playlist).name.eq("Empty")).options(selectinLoad(Playlist, "tracks")));
      assert.equal(empty!.tracks.length, 0);
      // And back: a track's playlists.
      const track = (await s.get(Track, 21))!;
      const playlists = (await lazy(track).playlists).map((p) => p.playlistId).sort();
      assert.deepEqual(playlists, (await raw(`SELECT {PlaylistId} AS id FROM {PlaylistTrack} WHERE {TrackId} = 21 ORDER BY {PlaylistId}`)).map((r) => Number(r.id)));
    });

    test("customers with their support rep and invoices, joined and select-in loaded, as raw SQL joins them", async () => {
      const s = session();
      const customers = await s.scalars(
        select(Customer).options(joinedLoad(Customer, "supportRep"), selectinLoad(Customer, "invoices")).orderBy(columnsOf(Customer).customerId),
      );
      assert.deepEqual(kinds(), ["SELECT", "SELECT"]);
      const expected = await raw(
        `SELECT c.{CustomerId} AS id, e.{LastName} AS rep, count(i.{InvoiceId}) AS n FROM {Customer} c LEFT JOIN {Employee} e ON e.{EmployeeId} = c.{SupportRepId} ` +
          `LEFT JOIN {Invoice} i ON i.{CustomerId} = c.{CustomerId} GROUP BY c.{CustomerId}, e.{LastName} ORDER BY c.{CustomerId}`,
      );
      assert.deepEqual(
        customers.map((c) => [c.customerId, c.supportRep?.lastName ?? null, c.invoices.length]),
        expected.map((r) => [Number(r.id), r.rep, Number(r.n)]),
      );
      assert.ok(customers.some((c) => c.supportRep === null), "the customer without a rep");
      const dana = customers.find((c) => c.supportRep?.employeeId === 4)!.supportRep!;
      assert.ok((await lazy(dana).customers).every((c) => c.supportRep === dana), "the back-reference is the same object");
    });

    test("invoice.tracks.push(track) writes one line with a generated key and the track's price; removing a track deletes its line", async () => {
      const s = session();
      const [invoice] = await s.scalars(select(Invoice).where(i.invoiceId.eq(7)).options(selectinLoad(Invoice, "tracks")));
      const before = await raw(`SELECT {TrackId} AS track FROM {InvoiceLine} WHERE {InvoiceId} = 7 ORDER BY {TrackId}`);
      assert.deepEqual(invoice!.tracks.map((track) => track.trackId).sort((a, b) => a - b), before.map((r) => Number(r.track)));
      const [lastLine] = await raw(`SELECT max({InvoiceLineId}) AS id FROM {InvoiceLine}`);
      // A video (1.99): its price, not a default, goes on the line.
      const [video] = await s.scalars(select(Track).where(t.mediaTypeId.eq(3), t.trackId.notIn(before.map((r) => Number(r.track)))).orderBy(t.trackId).limit(1));
      assert.equal(video!.unitPrice, "1.99");
      statements.length = 0;
      invoice!.tracks.push(video!);
      await s.commit();
      // The lines were not loaded: the view's link became a line without reading them.
      assert.deepEqual(kinds(), ["INSERT"]);
      const line = (await lazy(invoice!).lines).find((x) => x.trackId === video!.trackId)!;
      assert.ok(line instanceof InvoiceLine, "the line made by the creator, among the association objects");
      assert.deepEqual([line.unitPrice, line.quantity], ["1.99", 1]);
      assert.ok(line.invoiceLineId > Number(lastLine!.id), `a key generated after the script's ${lastLine!.id}: ${line.invoiceLineId}`);
      const [written] = await raw(`SELECT {InvoiceLineId} AS id, {InvoiceId} AS inv, {UnitPrice} AS price, {Quantity} AS qty FROM {InvoiceLine} WHERE {TrackId} = ${video!.trackId} AND {InvoiceId} = 7`);
      assert.deepEqual([Number(written!.id), Number(written!.inv), money(written!.price), Number(written!.qty)], [line.invoiceLineId, 7, "1.99", 1]);

      // Removing the first track, in a session that has not read the lines: its line is found by
      // the link columns (one SELECT of the invoice's lines) and deleted by its key.
      await s.close(); // its read transaction ends (on SQLite a later write from it would meet a stale snapshot)
      const s2 = session();
      const [again] = await s2.scalars(select(Invoice).where(i.invoiceId.eq(7)).options(selectinLoad(Invoice, "tracks")));
      const removed = again!.tracks.find((track) => track.trackId === Number(before[0]!.track))!;
      statements.length = 0;
      again!.tracks.splice(again!.tracks.indexOf(removed), 1);
      await s2.commit();
      assert.deepEqual(kinds(), ["SELECT", "DELETE"], "the invoice's lines, then the one line");
      const after = await raw(`SELECT {TrackId} AS track FROM {InvoiceLine} WHERE {InvoiceId} = 7 ORDER BY {TrackId}`);
      assert.deepEqual(
        after.map((r) => Number(r.track)),
        [...before.slice(1).map((r) => Number(r.track)), video!.trackId].sort((a, b) => a - b),
      );
      assert.equal(await count("InvoiceLine"), rows.InvoiceLine!.rows.length, "one line added, one removed");

      // From the track's side, its creator prices the line the same way.
      const other = (await s2.get(Invoice, 8))!;
      const [single] = await s2.scalars(select(Track).where(t.albumId.isNull(), t.mediaTypeId.ne(3)).orderBy(t.trackId).limit(1));
      const price = single!.unitPrice;
      (await lazy(single!).invoices).push(other);
      await s2.commit();
      const [priced] = await raw(`SELECT {UnitPrice} AS price, {Quantity} AS qty FROM {InvoiceLine} WHERE {InvoiceId} = 8 AND {TrackId} = ${single!.trackId}`);
      assert.deepEqual([money(priced!.price), Number(priced!.qty)], [price, 1]);
    });

    test("a creator that throws (it reads an expired price) leaves both lists as they were; nothing is written, and the push works once refreshed", async () => {
      const s = session();
      const video = (await s.get(Track, 80))!;
      await s.commit(); // expires the track: its price must be read again
      const [invoice] = await s.scalars(select(Invoice).where(i.invoiceId.eq(7)).options(selectinLoad(Invoice, "tracks"), selectinLoad(Invoice, "lines")));
      const before = invoice!.tracks.slice();
      const lines = invoice!.lines.slice();
      assert.ok(!before.includes(video));
      assert.throws(() => invoice!.tracks.push(video), ExpiredAttributeError);
      assert.deepEqual(invoice!.tracks.slice(), before, "the track is not in the view");
      assert.deepEqual(invoice!.lines.slice(), lines, "no line was made");
      assert.throws(() => invoice!.tracks.splice(1, 0, video), ExpiredAttributeError);
      assert.throws(() => invoice!.tracks.unshift(video), ExpiredAttributeError);
      assert.deepEqual(invoice!.tracks.slice(), before, "nor by splice or unshift");
      statements.length = 0;
      await s.commit();
      assert.deepEqual(kinds().filter((k) => k !== "SELECT"), [], "nothing written");
      assert.equal(await count("InvoiceLine", `WHERE {InvoiceId} = 7 AND {TrackId} = 80`), 0);

      await s.refresh(video);
      const [again] = await s.scalars(select(Invoice).where(i.invoiceId.eq(7)).options(selectinLoad(Invoice, "tracks")));
      again!.tracks.push(video);
      await s.commit();
      const [line] = await raw(`SELECT {UnitPrice} AS price FROM {InvoiceLine} WHERE {InvoiceId} = 7 AND {TrackId} = 80`);
      assert.equal(money(line!.price), (await s.get(Track, 80))!.unitPrice);
    });

    test("create(Genre, ...) with its Given key writes that key; a new track under it gets a generated one", async () => {
      const s = session();
      const bossa = create(Genre, { genreId: 6, name: "Bossa Nova" });
      const album = (await s.get(Track, 1))!.albumId!;
      const mp3 = (await s.get(MediaType, 1))!;
      const track = Object.assign(new Track(), { name: "Águas de Março", albumId: album, milliseconds: 212000, unitPrice: "0.99" as const });
      track.genre = bossa;
      track.mediaType = mp3;
      s.add(track);
      await s.commit();
      assert.equal(inspect(bossa).status, "persistent");
      assert.deepEqual(await raw(`SELECT {GenreId} AS id, {Name} AS name FROM {Genre} WHERE {GenreId} = 6`), [{ id: 6, name: "Bossa Nova" }]);
      const [written] = await raw(`SELECT {TrackId} AS id, {GenreId} AS genre, {UnitPrice} AS price FROM {Track} WHERE {Name} = 'Águas de Março'`);
      assert.deepEqual([Number(written!.id), Number(written!.genre), money(written!.price)], [track.trackId, 6, "0.99"]);
      assert.equal(track.trackId, rows.Track!.rows.length + 1, "the next key after the script's rows");
    });

    test("a new Employee without its key (the table does not generate it): NullIdentityKeyError before any statement; with it, the row is written", async () => {
      // The table itself refuses a row without the key: nothing generates it.
      await assert.rejects(raw(`INSERT INTO {Employee} ({LastName}, {FirstName}) VALUES ('Raw', 'No Key')`));
      const s = session();
      const [manager] = await s.scalars(select(Employee).where(e.employeeId.eq(2)).options(selectinLoad(Employee, "reports")));
      const hire = Object.assign(new Employee(), { lastName: "Umar", firstName: "Ivo", title: "Sales Support Agent", hireDate: utc("2021-06-01 00:00:00") });
      hire.reportsTo = manager!;
      s.add(hire);
      statements.length = 0;
      await assert.rejects(s.commit(), (error: unknown) => {
        assert.ok(error instanceof NullIdentityKeyError, `expected NullIdentityKeyError, got ${String(error)}`);
        assert.equal(error.model, "Employee");
        assert.deepEqual(error.attributes, ["employeeId"]);
        assert.deepEqual(error.keyColumns, ["Employee.EmployeeId"]);
        assert.match(error.message, /Give Employee\.employeeId a value before the flush/);
        return true;
      });
      assert.deepEqual(kinds(), [], "nothing was sent");
      assert.equal(inspect(hire).status, "pending");
      assert.ok(manager!.reports.includes(hire), "nothing lost in memory");
      assert.equal(await count("Employee"), 8);

      hire.employeeId = 9;
      await s.commit();
      assert.equal(inspect(hire).status, "persistent");
      const [row] = await raw(`SELECT {ReportsTo} AS boss, {HireDate} AS hired FROM {Employee} WHERE {EmployeeId} = 9`);
      assert.equal(Number(row!.boss), 2);
      if (db.name === "sqlite") assert.equal(row!.hired, "2021-06-01 00:00:00");

      // create() requires the key the table does not generate.
      // @ts-expect-error employeeId is Given: create() without it does not compile
      assert.ok(create(Employee, { lastName: "X", firstName: "Y", title: null, reportsToId: null, hireDate: null, email: null }));
      // A new manager and their report in one flush, the report added first: the manager's row goes first.
      const lead = create(Employee, { employeeId: 10, lastName: "Vega", firstName: "Jo", title: "Support Lead", reportsToId: null, hireDate: null, email: null });
      const junior = create(Employee, { employeeId: 11, lastName: "Weiss", firstName: "Kim", title: "Support", reportsToId: null, hireDate: null, email: null });
      junior.reportsTo = lead;
      lead.reportsTo = (await s.get(Employee, 1))!;
      s.add(junior);
      await s.commit();
      const chain = await raw(
        `SELECT e.{LastName} AS e, m.{LastName} AS m, b.{LastName} AS b FROM {Employee} e JOIN {Employee} m ON e.{ReportsTo} = m.{EmployeeId} ` +
          `JOIN {Employee} b ON m.{ReportsTo} = b.{EmployeeId} WHERE e.{EmployeeId} = 11`,
      );
      assert.deepEqual(chain, [{ e: "Weiss", m: "Vega", b: "Moreau" }]);
    });
  });
}
