/**
 * A schema named as the Chinook sample names it (PascalCase tables and columns, `InvoiceId`,
 * `InvoiceLine`, constraint names by a house convention) mapped onto camelCase attributes through
 * the registry's naming strategy and the MetaData's naming convention, with no `.named()` but
 * where a name differs from the rule. What the ORM writes, raw SQL in the database's names reads;
 * what raw SQL writes, the ORM reads; the inspector shows the names the convention produced; and
 * every name given explicitly wins. A second registry on the same MetaData names in snake_case.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DeclarativeBase,
  MetaData,
  NamingStrategyError,
  Registry,
  check,
  column,
  columnsOf,
  index,
  integer,
  lazy,
  manyToOne,
  model,
  oneToMany,
  select,
  selectinLoad,
  sql,
  string,
  unique,
  type Rel,
} from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const metadata = new MetaData({
  namingConvention: {
    ix: "ix_%(column_0_label)s",
    uq: "uq_%(table_name)s_%(column_0_name)s",
    ck: "ck_{table_name}_{constraint_name}",
    fk: "fk_{table_name}_{column_0_name}_{referred_table_name}",
    pk: "pk_{table_name}",
  },
});

/** Tables are prefixed so as not to meet another test's `Invoice`; columns are PascalCase. */
class ChinookBase extends DeclarativeBase {
  static override registry = new Registry({ metadata, naming: { tables: (className) => `Naming${className}`, columns: "PascalCase" } });
}

@model()
class Customer extends ChinookBase {
  @column(integer().primaryKey()) accessor customerId!: number;
  @column(string(40).notNull()) accessor firstName!: string;
  @column(string(60).notNull().unique()) accessor email!: string;
  /** Explicit `.named()` wins over the strategy. */
  @column(string(24).named("Phone_Number")) accessor phone!: string | null;

  @oneToMany(() => Invoice, { backPopulates: "customer" }) accessor invoices!: Rel<Invoice[], "customer">;
}

@model({ constraints: (c) => [check(c.total.ge(0), { name: "total_not_negative" }), index([c.billingCity])] })
class Invoice extends ChinookBase {
  @column(integer().primaryKey()) accessor invoiceId!: number;
  @column(integer().notNull().references("NamingCustomer.CustomerId")) accessor customerId!: number;
  @column(string(40)) accessor billingCity!: string | null;
  @column(integer().notNull()) accessor total!: number;

  @manyToOne(() => Customer, { backPopulates: "invoices" }) accessor customer!: Rel<Customer, "invoices">;
  @oneToMany(() => InvoiceLine, { backPopulates: "invoice" }) accessor lines!: Rel<InvoiceLine[], "invoice">;
}

/** Chinook's own names for this table's foreign key and index: given explicitly, they win. */
@model({
  constraints: (c) => [index([c.invoiceId], { name: "IFK_InvoiceLineInvoiceId" }), unique([c.invoiceId, c.trackName], { name: "UQ_Line_Track" })],
})
class InvoiceLine extends ChinookBase {
  @column(integer().primaryKey()) accessor invoiceLineId!: number;
  @column(integer().notNull().references("NamingInvoice.InvoiceId", { name: "FK_InvoiceLineInvoiceId" })) accessor invoiceId!: number;
  @column(string(60).notNull()) accessor trackName!: string;
  @column(integer().notNull()) accessor unitPrice!: number;
  @column(integer().notNull()) accessor quantity!: number;

  @manyToOne(() => Invoice, { backPopulates: "lines" }) accessor invoice!: Rel<Invoice, "lines">;
}

/** An explicit table name in `@model` wins over the strategy; its columns are still named by it. */
@model("naming_explicit_notes")
class Note extends ChinookBase {
  @column(integer().primaryKey()) accessor noteId!: number;
  @column(string(80)) accessor noteText!: string | null;
}

/** A second registry on the same MetaData, naming tables and columns in snake_case. */
class SnakeBase extends DeclarativeBase {
  static override registry = new Registry({ metadata, naming: "snake_case" });
}

@model()
class NamingSnakeMediaType extends SnakeBase {
  @column(integer().primaryKey()) accessor mediaTypeId!: number;
  @column(string(40).notNull()) accessor displayName!: string;
}

describe("naming strategies", () => {
  test("the built-in styles split words at case changes, underscores and runs of capitals", () => {
    const cases: [string, string, string, string][] = [
      // declared            snake_case          camelCase         PascalCase
      ["invoiceLineId", "invoice_line_id", "invoiceLineId", "InvoiceLineId"],
      ["InvoiceLine", "invoice_line", "invoiceLine", "InvoiceLine"],
      ["invoice_line_id", "invoice_line_id", "invoiceLineId", "InvoiceLineId"],
      ["HTTPServer", "http_server", "httpServer", "HttpServer"],
      ["userID", "user_id", "userId", "UserId"],
      ["address2", "address2", "address2", "Address2"],
    ];
    for (const [declared, snake, camel, pascal] of cases) {
      const names = (["snake_case", "camelCase", "PascalCase"] as const).map((style) => new Registry({ naming: style }).naming.columnName(declared, "X"));
      assert.deepEqual(names, [snake, camel, pascal], declared);
    }
    const asDeclared = new Registry().naming;
    assert.equal(asDeclared.tableName("InvoiceLine"), "InvoiceLine", "without a strategy, @model() names the table after the class");
    assert.equal(asDeclared.columnName("invoiceLineId", "InvoiceLine"), "invoiceLineId");
    const split = new Registry({ naming: { tables: "snake_case" } }).naming;
    assert.equal(split.tableName("InvoiceLine"), "invoice_line");
    assert.equal(split.columnName("invoiceLineId", "InvoiceLine"), "invoiceLineId", "columns as declared");
  });

  test("an unknown style, or a function that gives no name, is refused naming the class and attribute", () => {
    assert.throws(
      () => new Registry({ naming: "kebab-case" as "snake_case" }),
      (error: unknown) => error instanceof NamingStrategyError && error.message.includes(`Unknown naming style 'kebab-case'`) && error.message.includes(`"snake_case"`),
    );
    class EmptyBase extends DeclarativeBase {
      static override registry = new Registry({ naming: { columns: (attribute) => (attribute === "secret" ? "" : attribute) } });
    }
    assert.throws(
      () => {
        @model("naming_empty")
        class Empty extends EmptyBase {
          @column(integer().primaryKey()) accessor id!: number;
          @column(string(10)) accessor secret!: string | null;
        }
        return Empty;
      },
      (error: unknown) =>
        error instanceof NamingStrategyError && error.message.includes("an empty name for the column of Empty.secret") && error.message.includes('.named("name")'),
    );
  });
});

forEachDatabaseWithSchema("naming strategy and naming convention", metadata, (ctx) => {
  const q = (name: string) => (ctx.db.name === "mysql" ? `\`${name}\`` : `"${name}"`);
  const raw = async <Row>(text: string) => (await ctx.engine.execute(sql<Row>`${sql.raw(text)}`)).rows;

  test("the tables and columns have the strategy's names, except where a name is given", async () => {
    const inspector = ctx.engine.inspect();
    const tables = await inspector.tableNames();
    for (const name of ["NamingCustomer", "NamingInvoice", "NamingInvoiceLine", "naming_explicit_notes", "naming_snake_media_type"]) {
      assert.ok(tables.includes(name), `table ${name} in ${tables.join(", ")}`);
    }
    const columnsOf = async (table: string) => (await inspector.describeTable(table))!.columns.map((c) => c.name);
    assert.deepEqual(await columnsOf("NamingCustomer"), ["CustomerId", "FirstName", "Email", "Phone_Number"]);
    assert.deepEqual(await columnsOf("NamingInvoice"), ["InvoiceId", "CustomerId", "BillingCity", "Total"]);
    assert.deepEqual(await columnsOf("NamingInvoiceLine"), ["InvoiceLineId", "InvoiceId", "TrackName", "UnitPrice", "Quantity"]);
    assert.deepEqual(await columnsOf("naming_explicit_notes"), ["NoteId", "NoteText"]);
    assert.deepEqual(await columnsOf("naming_snake_media_type"), ["media_type_id", "display_name"]);
    // The attributes keep their declared names.
    assert.deepEqual(
      Invoice.registry.mapperFor(Invoice).table.columnList.map((c) => c.key),
      ["invoiceId", "customerId", "billingCity", "total"],
    );
  });

  test("what the ORM writes, raw SQL in the database's names reads", async () => {
    const session = ctx.session();
    const customer = Object.assign(new Customer(), { customerId: 1, firstName: "Luís", email: "luis@example.com", phone: "+55 12 3923-5555" });
    const invoice = Object.assign(new Invoice(), { invoiceId: 98, billingCity: "São José dos Campos", total: 398 });
    invoice.customer = customer;
    const line = Object.assign(new InvoiceLine(), { invoiceLineId: 530, trackName: "Balls to the Wall", unitPrice: 99, quantity: 2 });
    line.invoice = invoice;
    session.add(customer);
    session.add(Object.assign(new Note(), { noteId: 1, noteText: "explicit table" }));
    session.add(Object.assign(new NamingSnakeMediaType(), { mediaTypeId: 1, displayName: "MPEG audio file" }));
    await session.commit();
    await session.close(); // in-memory SQLite has one connection

    const rows = await raw<{ first: string; city: string; track: string; qty: number; phone: string }>(
      `SELECT c.${q("FirstName")} AS first, i.${q("BillingCity")} AS city, l.${q("TrackName")} AS track, l.${q("Quantity")} AS qty, c.${q("Phone_Number")} AS phone ` +
        `FROM ${q("NamingInvoiceLine")} l JOIN ${q("NamingInvoice")} i ON i.${q("InvoiceId")} = l.${q("InvoiceId")} ` +
        `JOIN ${q("NamingCustomer")} c ON c.${q("CustomerId")} = i.${q("CustomerId")} WHERE l.${q("InvoiceLineId")} = 530`,
    );
    assert.deepEqual(
      rows.map((r) => ({ ...r, qty: Number(r.qty) })),
      [{ first: "Luís", city: "São José dos Campos", track: "Balls to the Wall", qty: 2, phone: "+55 12 3923-5555" }],
    );
    assert.deepEqual(await raw(`SELECT ${q("NoteText")} AS t FROM ${q("naming_explicit_notes")}`), [{ t: "explicit table" }]);
    assert.deepEqual(await raw(`SELECT display_name AS n FROM naming_snake_media_type WHERE media_type_id = 1`), [{ n: "MPEG audio file" }]);
  });

  test("what raw SQL writes, the ORM reads: get, queries on attributes, relationships", async () => {
    await raw(`INSERT INTO ${q("NamingCustomer")} (${q("CustomerId")}, ${q("FirstName")}, ${q("Email")}) VALUES (2, 'Leonie', 'leonekohler@surfeu.de')`);
    await raw(`INSERT INTO ${q("NamingInvoice")} (${q("InvoiceId")}, ${q("CustomerId")}, ${q("BillingCity")}, ${q("Total")}) VALUES (1, 2, 'Stuttgart', 198), (12, 2, 'Stuttgart', 1386)`);
    await raw(
      `INSERT INTO ${q("NamingInvoiceLine")} (${q("InvoiceLineId")}, ${q("InvoiceId")}, ${q("TrackName")}, ${q("UnitPrice")}, ${q("Quantity")}) ` +
        `VALUES (1, 1, 'Balls to the Wall', 99, 1), (2, 1, 'Restless and Wild', 99, 1), (3, 12, 'Fast As a Shark', 99, 14)`,
    );
    await raw(`INSERT INTO naming_snake_media_type (media_type_id, display_name) VALUES (2, 'Protected AAC audio file')`);

    const session = ctx.session();
    const leonie = await session.get(Customer, 2);
    assert.ok(leonie);
    assert.equal(leonie.firstName, "Leonie");
    assert.equal(leonie.phone, null);
    const invoices = await session.scalars(select(Invoice).where(columnsOf(Invoice).total.gt(500)).options(selectinLoad(Invoice, "lines")));
    assert.deepEqual(invoices.map((i) => [i.invoiceId, i.customerId, i.billingCity]), [[12, 2, "Stuttgart"]]);
    assert.deepEqual(invoices[0]!.lines.map((l) => [l.trackName, l.quantity]), [["Fast As a Shark", 14]]);
    const all = await lazy(leonie).invoices;
    assert.deepEqual(all.map((i) => i.invoiceId).sort((a, b) => a - b), [1, 12]);
    const media = await session.get(NamingSnakeMediaType, 2);
    assert.equal(media?.displayName, "Protected AAC audio file");

    // And the ORM's UPDATE reaches the row raw SQL wrote.
    leonie.firstName = "Leonie K.";
    await session.commit();
    await session.close();
    assert.deepEqual(await raw(`SELECT ${q("FirstName")} AS f FROM ${q("NamingCustomer")} WHERE ${q("CustomerId")} = 2`), [{ f: "Leonie K." }]);
  });

  test("the inspector shows the constraint and index names the convention produced; given names win", async () => {
    const inspector = ctx.engine.inspect();
    const pk = (table: string) => (ctx.db.name === "mysql" ? "PRIMARY" : `pk_${table}`); // MySQL names every primary key PRIMARY
    assert.deepEqual(await inspector.constraintNames("NamingCustomer"), {
      primaryKey: pk("NamingCustomer"),
      foreignKeys: [],
      uniques: ["uq_NamingCustomer_Email"],
      checks: [],
      indexes: [],
    });
    assert.deepEqual(await inspector.constraintNames("NamingInvoice"), {
      primaryKey: pk("NamingInvoice"),
      foreignKeys: ["fk_NamingInvoice_CustomerId_NamingCustomer"],
      uniques: [],
      // The check's given name fills {constraint_name}.
      checks: ["ck_NamingInvoice_total_not_negative"],
      indexes: ["ix_NamingInvoice_BillingCity"],
    });
    assert.deepEqual(await inspector.constraintNames("NamingInvoiceLine"), {
      primaryKey: pk("NamingInvoiceLine"),
      foreignKeys: ["FK_InvoiceLineInvoiceId"],
      uniques: ["UQ_Line_Track"],
      checks: [],
      indexes: ["IFK_InvoiceLineInvoiceId"],
    });
    assert.equal((await inspector.constraintNames("naming_snake_media_type")).primaryKey, pk("naming_snake_media_type"));
    // The names the MetaData computes are the ones the database has.
    const invoiceTable = Invoice.registry.mapperFor(Invoice).table;
    assert.deepEqual(invoiceTable.foreignKeys.map((fk) => fk.name), ["fk_NamingInvoice_CustomerId_NamingCustomer"]);
  });
}, { createOnce: true });
