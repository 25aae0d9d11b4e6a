/**
 * Validators, lifecycle hooks and session events (docs/events.md), on SQLite in memory.
 * Run it with `npx tsx examples/events-tour.ts`.
 */
import {
  AfterTransactionListenerError,
  DeclarativeBase,
  afterLoad,
  beforeDelete,
  beforeInsert,
  beforeUpdate,
  column,
  createEngine,
  datetime,
  integer,
  manyToOne,
  model,
  oneToMany,
  select,
  sessionMaker,
  string,
  validates,
  type Rel,
} from "athanor";

class Base extends DeclarativeBase {}

declare module "athanor" {
  interface Models {
    Patron: Patron;
    Loan: Loan;
    AuditNote: AuditNote;
  }
}

@model("patrons")
class Patron extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(200).notNull().unique()) accessor email!: string;
  @column(datetime()) accessor updatedAt!: Date | null;
  @oneToMany("Loan", { backPopulates: "patron" }) accessor loans!: Rel<Loan[], "patron">;

  // Runs when the application assigns `email`, never when a row is loaded: normalise, or refuse.
  @validates("email")
  normaliseEmail(_key: "email", value: string): string {
    if (!value.includes("@")) throw new RangeError(`not an email address: ${value}`);
    return value.trim().toLowerCase();
  }

  // A relationship's validator accepts the object (returns it) or refuses it (throws).
  @validates("loans")
  acceptLoan(_key: "loans", loan: Loan): Loan {
    if (loan.fee < 0) throw new RangeError("a loan's fee cannot be negative");
    return loan;
  }

  // Written by the same INSERT or UPDATE as the change that triggered it.
  @beforeInsert
  @beforeUpdate
  stamp(): void {
    this.updatedAt = new Date();
  }
}

@model("loans")
class Loan extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull()) accessor fee!: number;
  @column(string(20).notNull().default("open")) accessor status!: string;
  @column(integer().references("patrons.id")) accessor patronId!: number | null;
  @manyToOne("Patron", { backPopulates: "loans" }) accessor patron!: Rel<Patron | null, "loans">;
  /** Not mapped: set when the object is read from a row. */
  declare label: string;

  @beforeDelete
  refuseShipped(): void {
    if (this.status === "overdue") throw new Error(`loan ${this.id} is overdue: it cannot be deleted`);
  }

  @afterLoad
  describe(): void {
    this.label = `loan #${this.id} (${this.fee})`;
  }
}

@model("audit_notes")
class AuditNote extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(200).notNull()) accessor message!: string;
}

const engine = createEngine("sqlite::memory:");
await Base.metadata.createAll(engine);
const mails: string[] = [];
const Sessions = sessionMaker(engine, {
  events: {
    // Objects added here are written by the flush that is starting.
    beforeFlush(session) {
      for (const obj of session.objects) {
        if (obj instanceof Patron && obj.id === null) session.add(Object.assign(new AuditNote(), { message: `new patron ${obj.email}` }));
      }
    },
    // Only once the COMMIT succeeded: never for an attempt that failed and was retried.
    afterCommit() {
      mails.push("welcome mail queued");
    },
  },
});

const ann = Object.assign(new Patron(), { email: "  Ann@Example.COM " });
console.log(`email: ${ann.email}`); // ann@example.com
try {
  ann.email = "not an address";
} catch (error) {
  console.log(`refused: ${(error as Error).message}; email still ${ann.email}`);
}
ann.loans.push(Object.assign(new Loan(), { fee: 40 }));
try {
  ann.loans.push(Object.assign(new Loan(), { fee: -5 }));
} catch (error) {
  console.log(`refused: ${(error as Error).message}; ${ann.loans.length} loan`);
}

await Sessions.transaction(async (session) => {
  session.add(ann);
});
const session = Sessions();
const [patron] = await session.scalars(select(Patron));
const audits = await session.scalars(select(AuditNote));
console.log(`stamped: ${patron!.updatedAt instanceof Date}; audit: ${audits.map((a) => a.message).join(", ")}; mails: ${mails.length}`);

const [loan] = await session.scalars(select(Loan));
console.log(`loaded: ${loan!.label}`);
loan!.status = "overdue";
await session.commit();
session.delete(loan!);
try {
  await session.commit();
} catch (error) {
  console.log(`delete refused: ${(error as Error).message}; the session is usable`);
}
await session.rollback();

const failing = sessionMaker(engine, {
  events: {
    afterCommit() {
      throw new Error("mail server down");
    },
  },
});
try {
  await failing.transaction(async (s) => {
    s.add(Object.assign(new Patron(), { email: "bob@example.com" }));
  });
} catch (error) {
  const committed = error instanceof AfterTransactionListenerError && error.committed;
  console.log(`afterCommit failed, committed: ${committed}; patrons: ${(await session.scalars(select(Patron))).length}`);
}
await session.close();
await engine.dispose();
