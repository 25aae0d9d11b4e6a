/**
 * TLS settings refused before any connection (docs/tls.md): a URL parameter athanor does not read
 * or a value it does not accept is a DatabaseUrlError when the engine is made, naming the
 * parameter and what is accepted; a bad `tls` option is an ArgumentError; a file the URL names
 * that cannot be read or used, or a key the passphrase does not open, fails `connect()` before
 * anything is sent. No message holds a key, a passphrase or a password. The connections
 * themselves, against servers that require TLS, are test/cluster/tls.cluster-test.ts.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ArgumentError, DatabaseUrlError, createEngine, type EngineOptions } from "../../src/index.js";

const SERVERS = ["postgresql://app:s3cret@127.0.0.1:1/db", "mysql://app:s3cret@127.0.0.1:1/db"];

function refused(url: string, options: EngineOptions | undefined, ErrorClass: typeof ArgumentError, pattern: RegExp, secrets: readonly string[] = []) {
  assert.throws(
    () => createEngine(url, options),
    (error: unknown) => {
      assert.ok(error instanceof ErrorClass, `${String(error)} is a ${ErrorClass.name}`);
      assert.match(error.message, pattern);
      for (const secret of ["s3cret", ...secrets]) assert.ok(!error.message.includes(secret), `the message holds '${secret}': ${error.message}`);
      return true;
    },
  );
}

for (const server of SERVERS) {
  const scheme = server.split(":")[0];
  describe(`TLS URL parameters of ${scheme}: refused when the engine is made`, () => {
    const accepted = /expected sslmode=disable, require, verify-ca, verify-full/;
    test("an sslmode athanor does not have names the parameter and the values accepted", () => {
      refused(`${server}?sslmode=VERIFY_IDENTITY`, undefined, DatabaseUrlError, /sslmode=VERIFY_IDENTITY in the URL: /);
      refused(`${server}?sslmode=VERIFY_IDENTITY`, undefined, DatabaseUrlError, accepted);
      // libpq's fallback to plain text, and node-postgres' own spelling, each say why.
      refused(`${server}?sslmode=prefer`, undefined, DatabaseUrlError, /sslmode=prefer in the URL \(a connection that falls back to plain text when TLS fails protects nothing/);
      refused(`${server}?sslmode=no-verify`, undefined, DatabaseUrlError, /node-postgres' spelling: libpq's is require/);
    });

    test("another driver's spelling is refused, not ignored (ignored, it would connect in plain text), and named with athanor's", () => {
      refused(`${server}?ssl-mode=REQUIRED`, undefined, DatabaseUrlError, /parameter 'ssl-mode' is not one athanor reads: use sslmode \(athanor's spelling\)\. TLS parameters: sslmode=/);
      refused(`${server}?sslMode=require`, undefined, DatabaseUrlError, /'sslMode' is not one athanor reads: use sslmode/);
      refused(`${server}?sslca=/etc/ca.pem`, undefined, DatabaseUrlError, /'sslca' is not one athanor reads: use sslrootcert=PATH/);
      refused(`${server}?sslaccept=strict`, undefined, DatabaseUrlError, /use sslmode=require \(accept_invalid_certs\) or sslmode=verify-full \(strict\)/);
      refused(`${server}?sslpassword=hunter2`, undefined, DatabaseUrlError, /'sslpassword' .*tls\.passphrase option/, ["hunter2"]);
      refused(`${server}?tls=true`, undefined, DatabaseUrlError, /'tls' is not one athanor reads/);
    });

    test("ssl=true|false only, and an ssl that contradicts sslmode", () => {
      refused(`${server}?ssl=yes`, undefined, DatabaseUrlError, /ssl=yes in the URL: expected ssl=true or ssl=false/);
      refused(`${server}?ssl=true&sslmode=disable`, undefined, DatabaseUrlError, /ssl=true and sslmode=disable, which disagree/);
      refused(`${server}?sslmode=require&sslmode=disable`, undefined, DatabaseUrlError, /gives sslmode 2 times/);
      refused(`${server}?uselibpqcompat=false`, undefined, DatabaseUrlError, /uselibpqcompat=false: athanor always reads sslmode as libpq does/);
    });

    test("verify-ca without a CA, a certificate without its key, the public CAs below verify-full", () => {
      refused(`${server}?sslmode=verify-ca`, undefined, ArgumentError, /verify-ca needs the CA to check the chain against \(sslrootcert=PATH or tls\.ca\)/);
      refused(`${server}?sslcert=/etc/client.pem`, undefined, ArgumentError, /sslcert is given without its private key \(sslkey or tls\.key\)/);
      refused(`${server}?sslkey=/etc/client.key`, undefined, ArgumentError, /sslkey is given without a client certificate \(sslcert or tls\.cert\)/);
      refused(`${server}?sslrootcert=system&sslmode=require`, undefined, DatabaseUrlError, /sslrootcert=system \(the public CAs\) needs sslmode=verify-full/);
      refused(`${server}?sslrootcert=`, undefined, DatabaseUrlError, /sslrootcert is empty in the URL/);
    });

    test("the tls option wins over the URL, field by field", () => {
      // The URL alone is refused (verify-ca without a CA); the option's mode, or its CA, or false, replaces it.
      const url = `${server}?sslmode=verify-ca`;
      createEngine(url, { tls: { mode: "require" } });
      createEngine(url, { tls: { ca: "-----BEGIN CERTIFICATE-----\n" } });
      createEngine(url, { tls: false });
      refused(url, { tls: { mode: "verify-ca" } }, ArgumentError, /verify-ca needs the CA/);
    });
  });
}

describe("the tls option: refused when the engine is made", () => {
  const pg = SERVERS[0]!;
  const keyText = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
  test("SQLite has no network", () => {
    refused("sqlite::memory:", { tls: true }, ArgumentError, /tls is an option of PostgreSQL and MySQL\/MariaDB engines; SQLite is a file/);
  });

  test("a value of the wrong kind, a key it does not have, a mode it does not have", () => {
    refused(pg, { tls: "verify-full" as unknown as boolean }, ArgumentError, /tls must be true, false or an object \{ mode, ca, cert, key, passphrase \}; got a string/);
    refused(pg, { tls: { rejectUnauthorized: false } as never }, ArgumentError, /tls\.rejectUnauthorized is not an option \(mode: 'require' does not check the certificate; 'verify-full', the default, does\): tls takes mode, ca, cert, key, passphrase/);
    refused(pg, { tls: { servername: "db" } as never }, ArgumentError, /tls\.servername is not an option: tls takes/);
    refused(pg, { tls: { mode: "strict" as never } }, ArgumentError, /tls\.mode must be one of 'disable', 'require', 'verify-ca', 'verify-full'; got 'strict'/);
    refused(pg, { tls: { passphrase: 42 as never } }, ArgumentError, /tls\.passphrase must be a string; got a number/);
  });

  test("PEM text, not a file path; never the text itself in the message", () => {
    refused(pg, { tls: { ca: "/etc/ssl/ca.pem" } }, ArgumentError, /tls\.ca must be PEM text \(a string or Buffer holding '-----BEGIN \.\.\.', or an array of them\), not a file path; got a string without PEM\. .*sslrootcert=PATH/, ["/etc/ssl/ca.pem"]);
    refused(pg, { tls: { ca: [] } }, ArgumentError, /tls\.ca must be PEM text/);
    refused(pg, { tls: { cert: Buffer.from("not pem"), key: keyText } }, ArgumentError, /tls\.cert must be PEM text .*got bytes without PEM.*sslcert=PATH/);
    refused(pg, { tls: { key: keyText } }, ArgumentError, /tls\.key is given without a client certificate/, ["MIIEvQ"]);
  });
});

describe("files and keys: refused by connect(), before anything is sent", () => {
  const dir = mkdtempSync(join(process.env.ATHANOR_TEST_TMP ?? tmpdir(), "athanor-tls-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  // A self-signed certificate and its key, the key encrypted, and another key.
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=athanor", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"));
  openssl("pkey", "-in", join(dir, "key.pem"), "-aes256", "-passout", "pass:right-phrase", "-out", join(dir, "encrypted.pem"));
  openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", join(dir, "other-key.pem"));
  writeFileSync(join(dir, "not-pem.txt"), "just text\n");
  const cert = readFileSync(join(dir, "cert.pem"), "utf8");
  const key = readFileSync(join(dir, "key.pem"), "utf8");
  const keyBody = key.split("\n")[1]!;

  async function connectRefused(url: string, options: EngineOptions, pattern: RegExp, secrets: readonly string[] = []) {
    const engine = createEngine(url, { ...options, pool: { acquireTimeoutMs: 5_000 } });
    try {
      await assert.rejects(engine.connect(), (error: unknown) => {
        assert.ok(error instanceof ArgumentError, String(error));
        assert.match(error.message, pattern);
        for (const secret of ["s3cret", keyBody, ...secrets]) assert.ok(!error.message.includes(secret), `the message holds a secret: ${error.message}`);
        return true;
      });
    } finally {
      await engine.dispose();
    }
  }

  for (const server of SERVERS) {
    const scheme = server.split(":")[0];
    test(`${scheme}: a file that cannot be read, or is not PEM, names the parameter and the path`, async () => {
      await connectRefused(`${server}?sslrootcert=${dir}/missing.pem`, {}, new RegExp(`sslrootcert=${dir}/missing\\.pem in the URL cannot be read \\(ENOENT\\)`));
      await connectRefused(`${server}?sslrootcert=${dir}/not-pem.txt`, {}, /sslrootcert=.*not-pem\.txt in the URL is not a PEM file/);
    });

    test(`${scheme}: an encrypted key without its passphrase, or with a wrong one; a key that is not the certificate's`, async () => {
      const encrypted = `${server}?sslmode=require&sslcert=${dir}/cert.pem&sslkey=${dir}/encrypted.pem`;
      await connectRefused(encrypted, { tls: { passphrase: "wrong-phrase" } }, /TLS: sslcert, sslkey could not be used: the key is encrypted and tls\.passphrase does not decrypt it/, ["wrong-phrase"]);
      await connectRefused(encrypted, {}, /the key is encrypted and no tls\.passphrase was given/);
      const other = readFileSync(join(dir, "other-key.pem"), "utf8");
      await connectRefused(server, { tls: { mode: "require", cert, key: other } }, /TLS: tls\.cert, tls\.key could not be used: the key is not the client certificate's/, [other.split("\n")[1]!]);
    });
  }
});
