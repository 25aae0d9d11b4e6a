/**
 * TLS against real servers that require it (scripts/cluster/tls-up.sh, run first): MariaDB with
 * --require-secure-transport on 127.0.0.1:3316 and PostgreSQL with hostssl-only pg_hba on
 * 127.0.0.1:5442, their certificate signed by a test CA for localhost and 127.0.0.1 only. On each:
 * a plain connection is refused by the server; `require` encrypts (the server's own view of the
 * connection shows the cipher); `verify-full` connects with the CA and is refused for a host name
 * the certificate does not carry (127.0.0.2, the same server), while `verify-ca` is not; a wrong
 * CA, or none, is refused; the in-memory `tls` option works and wins over the URL; a client
 * certificate (files, PEM, an encrypted key) authenticates; the ORM flushes and reads over TLS;
 * and a statement given up on is still stopped on the server (KILL QUERY over TLS, CancelRequest).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { OperationalError, Session, columnsOf, createEngine, lazy, select, sql, type Engine, type EngineOptions } from "../../src/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { repoRoot } from "../support/repo-root.js";

const CERTS = join(process.env.ATHANOR_TLS_DIR ?? "/var/tmp/athanor-tls", "certs");
const pem = (name: string) => readFileSync(join(CERTS, name));
const CA = `sslrootcert=${CERTS}/ca.pem`;
const OTHER_CA = `sslrootcert=${CERTS}/other-ca.pem`;
const CLIENT_FILES = `sslcert=${CERTS}/client.pem&sslkey=${CERTS}/client.key`;

interface TlsServer {
  readonly name: string;
  /** The URL of `user` (default: the administrator) on `host`, with `query` (TLS parameters). */
  url(query?: string, host?: string, user?: string): string;
  /** The cipher the server says the connection uses ('' when none). */
  readonly cipher: ReturnType<typeof sql>;
  readonly currentUser: ReturnType<typeof sql>;
  /** How the server refuses a plain connection. */
  readonly plainRefused: RegExp;
  /** How it refuses the client without a certificate. */
  readonly certificateMissing: RegExp;
  /** A statement that runs 5 s, and how many such run now on the server. */
  readonly sleep: ReturnType<typeof sql>;
  readonly sleeping: ReturnType<typeof sql>;
}

const SERVERS: readonly TlsServer[] = [
  {
    name: "MariaDB",
    url: (query = "", host = "127.0.0.1", user = "root") => `mysql://${user}@${host}:3316/athanor${query && `?${query}`}`,
    cipher: sql`SELECT VARIABLE_VALUE AS cipher FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'`,
    currentUser: sql`SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AS u`,
    // MariaDB says so as "Access denied" (its log too), not as MySQL's ER_SECURE_TRANSPORT_REQUIRED.
    plainRefused: /Access denied for user 'root'/,
    certificateMissing: /Access denied for user 'athanor_client'/,
    sleep: sql`SELECT SLEEP(5)`,
    sleeping: sql`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(5)'`,
  },
  {
    name: "PostgreSQL",
    url: (query = "", host = "127.0.0.1", user = "postgres") => `postgresql://${user}@${host}:5442/athanor${query && `?${query}`}`,
    cipher: sql`SELECT COALESCE(cipher, '') AS cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()`,
    currentUser: sql`SELECT current_user AS u`,
    plainRefused: /no pg_hba\.conf entry for host "127\.0\.0\.1", user "postgres", database "athanor", no encryption/,
    certificateMissing: /connection requires a valid client certificate/,
    sleep: sql`SELECT pg_sleep(5)`,
    sleeping: sql`SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(5)' AND state = 'active'`,
  },
];

before(() => {
  execFileSync("bash", [join(repoRoot, "scripts/cluster/tls-up.sh")], { stdio: ["ignore", "ignore", "inherit"] });
});

/** Runs `body` on a fresh engine, disposed after. */
async function withEngine<T>(url: string, options: EngineOptions, body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = createEngine(url, { ...options, pool: { max: 2, acquireTimeoutMs: 10_000, ...options.pool } });
  try {
    return await body(engine);
  } finally {
    await engine.dispose();
  }
}

async function scalar(engine: Engine, statement: ReturnType<typeof sql>): Promise<unknown> {
  const { rows } = await engine.execute(statement);
  return Object.values(rows[0] as Record<string, unknown>)[0];
}

/** The connection is made, and the server reports it encrypted. */
async function encrypted(server: TlsServer, url: string, options: EngineOptions = {}): Promise<void> {
  const cipher = await withEngine(url, options, (engine) => scalar(engine, server.cipher));
  assert.match(String(cipher), /AES|CHACHA/, `${url}: the server reports the cipher`);
}

/** The connection is refused with an OperationalError whose message matches. */
async function refused(url: string, options: EngineOptions, pattern: RegExp): Promise<void> {
  await withEngine(url, options, async (engine) => {
    await assert.rejects(engine.connect(), (error: unknown) => {
      assert.ok(error instanceof OperationalError, String(error));
      assert.match(error.message, pattern);
      assert.equal(error.retryable, false);
      return true;
    });
  });
}

for (const server of SERVERS) {
  describe(`TLS to ${server.name}, which requires it`, () => {
    test("a plain connection is refused by the server: no TLS asked, sslmode=disable, or tls: false over the URL's verify-full", async () => {
      await refused(server.url(), {}, server.plainRefused);
      await refused(server.url("sslmode=disable"), {}, server.plainRefused);
      await refused(server.url(`sslmode=verify-full&${CA}`), { tls: false }, server.plainRefused);
    });

    test("sslmode=require encrypts without checking the certificate (as libpq): it connects even by a name the certificate does not carry", async () => {
      await encrypted(server, server.url("sslmode=require"));
      await encrypted(server, server.url("sslmode=require", "127.0.0.2"));
    });

    test("verify-full with the CA connects to 127.0.0.1, a name the certificate carries; 127.0.0.2 (the same server) is refused, and verify-ca accepts it", async () => {
      await encrypted(server, server.url(`sslmode=verify-full&${CA}`));
      await encrypted(server, server.url(CA), {}); // a CA alone: verify-full
      const wrongName = /IP: 127\.0\.0\.2 is not in the cert's list: 127\.0\.0\.1 \(TLS: sslmode=verify-full checks that the server's certificate names the host connected to/;
      await refused(server.url(`sslmode=verify-full&${CA}`, "127.0.0.2"), {}, wrongName);
      await refused(server.url(`ssl=true&${CA}`, "127.0.0.2"), {}, wrongName);
      await encrypted(server, server.url(`sslmode=verify-ca&${CA}`, "127.0.0.2"));
    });

    test("a wrong CA is refused, as is the server's certificate against the public CAs; require with a CA checks the chain", async () => {
      const wrongCa = /self-signed certificate in certificate chain \(TLS: the server's certificate is not signed by the CA given \(sslrootcert or tls\.ca\) or, with none given, by a public CA/;
      await refused(server.url(OTHER_CA), {}, wrongCa);
      await refused(server.url("ssl=true"), {}, wrongCa);
      await refused(server.url(`sslmode=require&${OTHER_CA}`), {}, wrongCa);
      await refused(server.url(), { tls: { ca: pem("other-ca.pem") } }, wrongCa);
    });

    test("the tls option: the CA in memory, and each field it gives wins over the URL's", async () => {
      await encrypted(server, server.url(), { tls: { ca: pem("ca.pem") } });
      await encrypted(server, server.url(), { tls: { ca: [pem("other-ca.pem").toString(), pem("ca.pem")] } });
      await encrypted(server, server.url(), { tls: { ca: new Uint8Array(pem("ca.pem")) } }); // bytes, not only a Buffer
      await encrypted(server, server.url(OTHER_CA), { tls: { ca: pem("ca.pem").toString() } });
      await encrypted(server, server.url(`sslmode=verify-full&${CA}`, "127.0.0.2"), { tls: { mode: "verify-ca" } });
      await encrypted(server, server.url("sslmode=disable"), { tls: { mode: "require" } });
      await encrypted(server, server.url(`sslmode=disable&${CA}`), { tls: true }); // true: on, with the URL's CA
    });

    test("a client certificate authenticates: from files, as PEM in memory, with an encrypted key and its passphrase; without one the server refuses", async () => {
      const client = (query: string) => server.url(query, "127.0.0.1", "athanor_client");
      await refused(client(CA), {}, server.certificateMissing);
      for (const [url, options] of [
        [client(`${CA}&${CLIENT_FILES}`), {}],
        [client(""), { tls: { ca: pem("ca.pem"), cert: pem("client.pem"), key: pem("client.key") } }],
        [client(`${CA}&sslcert=${CERTS}/client.pem&sslkey=${CERTS}/client-encrypted.key`), { tls: { passphrase: "athanor-passphrase" } }],
      ] as const) {
        assert.equal(await withEngine(url, options, (engine) => scalar(engine, server.currentUser)), "athanor_client", url);
      }
    });

    describe("the ORM over verify-full", () => {
      let engine: Engine;
      before(async () => {
        engine = createEngine(server.url(`sslmode=verify-full&${CA}`), { pool: { max: 3 } });
        await Base.metadata.dropAll(engine);
        await Base.metadata.createAll(engine);
      });
      after(async () => {
        await Base.metadata.dropAll(engine);
        await engine.dispose();
      });

      test("a flush writes, a new session reads it back, on connections the server reports encrypted", async () => {
        const writer = new Session(engine);
        const ann = Object.assign(new User(), { email: "ann@tls", name: "Ann" });
        writer.add(ann);
        writer.add(Object.assign(new Post(), { author: ann, title: "Over TLS", body: "encrypted" }));
        await writer.commit();
        await writer.close();
        const reader = new Session(engine);
        try {
          const [post] = await reader.scalars(select(Post).where(columnsOf(Post).title.eq("Over TLS")));
          assert.equal(post?.body, "encrypted");
          assert.equal((await lazy(post!).author).email, "ann@tls");
          const { rows } = await reader.execute(server.cipher);
          assert.match(String((rows[0] as { cipher: string }).cipher), /AES|CHACHA/);
        } finally {
          await reader.close();
        }
      });

      test("a statement given up on (statementTimeoutMs) is stopped on the server all the same", async () => {
        await withEngine(server.url(`sslmode=verify-full&${CA}`), { statementTimeoutMs: 300 }, async (impatient) => {
          await assert.rejects(impatient.execute(server.sleep), OperationalError);
        });
        // KILL QUERY goes on a connection opened with the pool's options, TLS included; a
        // CancelRequest needs none (the server reads it before pg_hba).
        const deadline = Date.now() + 3_000;
        while (Number(await scalar(engine, server.sleeping)) !== 0) {
          assert.ok(Date.now() < deadline, "the statement still runs on the server 3 s after it was given up on");
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      });
    });

    if (server.name === "MariaDB") {
      test("through a Unix socket (?socketPath=), verify-full still goes through the socket, not TCP to the URL's address", async () => {
        // The URL's port is the default one, another server's (3306, no TLS): TCP would have reached it.
        const socket = join(process.env.ATHANOR_TLS_DIR ?? "/var/tmp/athanor-tls", "mariadb/run/mysqld.sock");
        const url = `mysql://root@127.0.0.1/athanor?socketPath=${socket}&sslmode=verify-full&${CA}`;
        await encrypted(server, url);
        assert.equal(Number(await withEngine(url, {}, (engine) => scalar(engine, sql`SELECT @@port AS p`))), 3316);
      });
    }

    if (server.name === "PostgreSQL") {
      test("the URL's other parameters still reach pg, once the TLS ones are taken out", async () => {
        const name = await withEngine(server.url(`sslmode=verify-full&${CA}&application_name=athanor_tls`), {}, (engine) => scalar(engine, sql`SELECT current_setting('application_name') AS a`));
        assert.equal(name, "athanor_tls");
      });
    }
  });
}

test("docs/tls.md's example is examples/tls.ts, and it prints what its comments say", () => {
  const example = readFileSync(join(repoRoot, "examples/tls.ts"), "utf8");
  assert.ok(readFileSync(join(repoRoot, "docs/tls.md"), "utf8").includes("```ts\n" + example + "```"), "docs/tls.md embeds the example verbatim");
  const out = execFileSync(process.execPath, ["--import", "tsx", "examples/tls.ts"], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(out.trim(), "PostgreSQL { ssl: true }\nMariaDB { user: 'athanor_client@%' }");
});
