/**
 * A link removed through a many-to-many view over a versioned association object whose
 * association objects were not loaded (`course.students.splice(i, 1)`). The session deleted it by
 * a stand-in carrying only the link, whose DELETE named no version: every such removal failed,
 * with a StaleDataError blaming another transaction (PostgreSQL, SQLite; "Bind parameters must
 * not contain undefined" on MariaDB), and `sessionMaker().transaction` ran it again to the same
 * end. The flush now loads the association objects first, as for a surrogate-keyed association,
 * and deletes the one found with the version it read: a change another transaction commits after
 * the view was read and before the flush is kept out of the way (its version is the one read);
 * one committed between that read and the DELETE still fails the flush with StaleDataError.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { select, selectinLoad, sessionMaker } from "../../src/index.js";
import { EnrolmentBase, VeCourse, VeEnrolment, VeStudent } from "./fixtures/versioned-enrolments.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const course = Object.assign(new VeCourse(), { id: 1 });
  course.students.push(Object.assign(new VeStudent(), { id: 1 }), Object.assign(new VeStudent(), { id: 2 }));
  session.add(course);
  await session.commit();
  await session.close();
}

forEachDatabaseWithSchema(
  "a link removed through a view over a versioned association",
  EnrolmentBase.metadata,
  (ctx) => {
    test("its association objects not loaded: the link is deleted, the other kept", async () => {
      await seed(ctx);
      const session = ctx.session();
      const [course] = await session.scalars(select(VeCourse).options(selectinLoad(VeCourse, "students")));
      course!.students.splice(course!.students.findIndex((s) => s.id === 1), 1);
      await session.commit();
      assert.equal(await ctx.count("ve_enrolments"), 1);
      assert.equal(await ctx.count("ve_enrolments", "student_id = 2"), 1);
    });

    test("detached, another transaction's change to the row committed since it was read: the retry-safe transaction deletes it once", async () => {
      await seed(ctx);
      const reader = ctx.session({ expireOnCommit: false });
      const [student] = await reader.scalars(select(VeStudent).options(selectinLoad(VeStudent, "courses")).limit(1));
      await reader.close();
      student!.courses.splice(0, 1); // detached: the session it joins deletes the link
      const other = ctx.session();
      const [enrolment] = await other.scalars(select(VeEnrolment).limit(1));
      enrolment!.grade = "A";
      await other.commit();
      let attempts = 0;
      await sessionMaker(ctx.engine).transaction(async (session) => {
        attempts++;
        session.add(student!);
      });
      assert.equal(attempts, 1);
      assert.equal(await ctx.count("ve_enrolments", `student_id = ${student!.id}`), 0);
      assert.equal(await ctx.count("ve_enrolments"), 1);
    });
  },
  { createOnce: true, sqliteFile: true },
);
