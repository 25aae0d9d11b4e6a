/**
 * MariaDB/MySQL compare text without case, accents or trailing spaces under their default
 * collations: a city whose foreign key is 'ABC' belongs to the country 'abc' (the constraint
 * accepts it, and a JOIN matches it). Every loader finds it so: it used to be dropped from the
 * country's list by a select-in or lazy load (matched in JavaScript by the exact key), which a
 * joinedLoad showed, and its many-to-one was loaded as null. PostgreSQL and SQLite compare text
 * exactly, and refuse such a foreign key: MariaDB only.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Session, columnsOf, createEngine, joinedLoad, select, selectinLoad, sql, type Engine } from "../../src/index.js";
import { CcCity, CcCountry, CountryCodesBase } from "./fixtures/country-codes.js";
import { testDatabases } from "../support/databases.js";

const mariadb = (await testDatabases()).find((db) => db.name === "mysql")!;

// The test databases compare text exactly (utf8mb4_bin); this test needs MariaDB's default
// collation, so it makes a database of its own with it, beside the test database.
describe("text keys matched without case [mysql]", { skip: mariadb.skip }, () => {
  let engine: Engine;
  const url = new URL(mariadb.url);
  const database = `${url.pathname.slice(1)}_ci`;

  before(async () => {
    const admin = createEngine(mariadb.url);
    await admin.execute(sql.raw(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`));
    await admin.dispose();
    url.pathname = `/${database}`;
    engine = createEngine(url.toString());
    await CountryCodesBase.metadata.dropAll(engine);
    await CountryCodesBase.metadata.createAll(engine);
    await engine.execute(sql`INSERT INTO cc_countries (code) VALUES ('abc'), ('de')`);
    await engine.execute(sql`INSERT INTO cc_cities (id, country_code) VALUES (1, 'abc'), (2, 'ABC'), (3, 'abc  '), (4, 'DE'), (5, 'de')`);
  });

  after(async () => {
    await engine.execute(sql.raw(`DROP DATABASE IF EXISTS \`${database}\``));
    await engine.dispose();
  });

  test("a country's list holds every city the database matches to it, by every loader", async () => {
    const c = columnsOf(CcCountry);
    for (const option of [selectinLoad(CcCountry, "cities"), joinedLoad(CcCountry, "cities"), undefined]) {
      const session = new Session(engine);
      const query = select(CcCountry).orderBy(c.code);
      const countries = await session.scalars(option ? query.options(option) : query);
      if (!option) for (const country of countries) await session.load(country, "cities");
      assert.deepEqual(countries.map((x) => [x.code, x.cities.map((y) => y.id)]), [["abc", [1, 2, 3]], ["de", [4, 5]]], String(option?.strategy ?? "lazily"));
      await session.close();
    }
  });

  test("a city's country is the one the database matches, select-in and lazily, the country in the session or not", async () => {
    const i = columnsOf(CcCity);
    for (const how of ["select-in", "lazily", "held"] as const) {
      const session = new Session(engine);
      if (how === "held") await session.scalars(select(CcCountry));
      const query = select(CcCity).orderBy(i.id);
      const cities = await session.scalars(how === "select-in" ? query.options(selectinLoad(CcCity, "country")) : query);
      if (how !== "select-in") for (const city of cities) await session.load(city, "country");
      assert.deepEqual(cities.map((x) => x.country?.code ?? null), ["abc", "abc", "abc", "de", "de"], how);
      await session.close();
    }
  });
});
