// Write-only collections (docs/large-collections.md): a sensor's readings, too many to load, added
// without reading them, read a page at a time with select(), changed in bulk, and deleted with the
// sensor by the database's ON DELETE CASCADE; its alerts, without passiveDeletes, by one DELETE. Run: npx tsx examples/large-collections.ts [database URL]
// (a SQLite file by default).
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DeclarativeBase,
  Session,
  WriteOnlyCollection,
  WriteOnlyCollectionError,
  column,
  columnsOf,
  createEngine,
  func,
  inspect,
  integer,
  manyToOne,
  model,
  oneToMany,
  select,
  string,
  type Rel,
} from "athanor";

class Base extends DeclarativeBase {}

declare module "athanor" {
  interface Models {
    Sensor: Sensor;
    Reading: Reading;
    Alert: Alert;
  }
}

@model("example_sensors")
class Sensor extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor name!: string;
  // Never loaded: add() and remove() queue changes, select() reads. passiveDeletes: deleting a
  // sensor leaves its readings to the foreign key's ON DELETE CASCADE, without reading them.
  @oneToMany("Reading", { backPopulates: "sensor", lazy: "writeOnly", cascade: "all, delete-orphan", passiveDeletes: true })
  accessor readings!: Rel<WriteOnlyCollection<Reading>, "sensor">;
  // Without passiveDeletes: deleting a sensor deletes its alerts with one DELETE, none read.
  @oneToMany("Alert", { backPopulates: "sensor", lazy: "writeOnly", cascade: "all" })
  accessor alerts!: Rel<WriteOnlyCollection<Alert>, "sensor">;
}

@model("example_readings")
class Reading extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull()) accessor value!: number;
  @column(integer().named("sensor_id").notNull().references("example_sensors.id", { onDelete: "cascade" })) accessor sensorId!: number;
  @manyToOne("Sensor", { backPopulates: "readings" }) accessor sensor!: Rel<Sensor, "readings">;
}

@model("example_alerts")
class Alert extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor message!: string;
  @column(integer().named("sensor_id").notNull().references("example_sensors.id")) accessor sensorId!: number;
  @manyToOne("Sensor", { backPopulates: "alerts" }) accessor sensor!: Rel<Sensor, "alerts">;
}

const file = join(process.env.ATHANOR_TEST_TMP ?? tmpdir(), `athanor-large-collections-${process.pid}.db`);
const url = process.argv[2] ?? `sqlite:///${file}`;
const statements: string[] = []; // what the engine ran (its echo), to show what the delete reads
const engine = createEngine(url, { echo: (message) => void statements.push(message.split("\n")[0]!) });
await Base.metadata.dropAll(engine, { checkFirst: true });
await Base.metadata.createAll(engine);
const r = columnsOf(Reading);
const countOf = (sensor: Sensor) => select(func.count()).from(Reading).where(r.sensorId.eq(sensor.id));

// A new sensor's readings, queued and written by the commit.
const setup = new Session(engine);
const kitchen = Object.assign(new Sensor(), { name: "kitchen" });
kitchen.readings.addAll(Array.from({ length: 1000 }, (_, i) => Object.assign(new Reading(), { value: i % 50 })));
kitchen.alerts.addAll(["too hot", "too cold", "offline"].map((message) => Object.assign(new Alert(), { message })));
setup.add(kitchen);
await setup.commit();
await setup.close();

const session = new Session(engine);
const sensor = (await session.get(Sensor, kitchen.id))!;
sensor.readings.add(Object.assign(new Reading(), { value: 99 })); // nothing is read
await session.flush();
const latest = await session.scalars(sensor.readings.select().orderBy(r.id.desc()).limit(3));
console.log(`readings: ${await session.scalar(countOf(sensor))}, latest: ${latest.map((x) => x.value).join(", ")}`);

// Bulk statements scoped to the sensor.
await session.execute(sensor.readings.insert(), [{ value: 7 }, { value: 8 }]);
const zeroed = await session.execute(sensor.readings.update().values({ value: 0 }).where(r.value.ge(49)));
const removed = await session.execute(sensor.readings.delete().where(r.value.eq(0)));
console.log(`bulk: 2 inserted, ${zeroed} set to 0, ${removed} deleted; now ${await session.scalar(countOf(sensor))}`);

try {
  void [...(sensor.readings as unknown as Iterable<Reading>)];
} catch (error) {
  console.log(`iterating: ${(error as WriteOnlyCollectionError).name}`);
}

statements.length = 0;
session.delete(sensor); // no SELECT of the readings (the database deletes them) or of the alerts (one DELETE)
await session.commit();
const alertStatements = (verb: string) => statements.filter((s) => s.startsWith(verb) && s.includes("example_alerts")).length;
console.log(`deleting the sensor: ${alertStatements("SELECT")} SELECT, ${alertStatements("DELETE")} DELETE of its alerts`);
const left = async (model: typeof Reading | typeof Alert) => session.scalar(select(func.count()).from(model));
console.log(`after deleting the sensor: ${await left(Reading)} readings, ${await left(Alert)} alerts`);

// A session holding one of a sensor's alerts, its key expired: the database says it is a member
// (a SELECT of the held alerts' keys), and it is deleted as an object, the others by one DELETE.
const hall = Object.assign(new Sensor(), { name: "hall" });
hall.alerts.addAll(["damp", "dark"].map((message) => Object.assign(new Alert(), { message })));
session.add(hall);
await session.commit();
const [held] = await session.scalars(hall.alerts.select().limit(1));
session.expire(held!);
session.delete(hall);
await session.commit();
console.log(`a held alert of the deleted sensor: ${inspect(held!).status}, ${await left(Alert)} alerts left`);
await session.close();
await Base.metadata.dropAll(engine);
await engine.dispose();
if (process.argv[2] === undefined) rmSync(file, { force: true });
