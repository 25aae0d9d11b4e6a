// TLS (docs/tls.md), against the test servers of scripts/cluster/tls-up.sh, which require it.
import { readFileSync } from "node:fs";
import { createEngine, sql } from "athanor";

const certs = `${process.env.ATHANOR_TLS_DIR ?? "/var/tmp/athanor-tls"}/certs`;

// Files named in the URL, libpq's parameters: verify-full checks the chain and the host name.
const pg = createEngine(`postgresql://postgres@127.0.0.1:5442/athanor?sslmode=verify-full&sslrootcert=${certs}/ca.pem`);
const { rows } = await pg.execute(sql`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`);
console.log("PostgreSQL", rows[0]); // PostgreSQL { ssl: true }

// PEM held in memory (read from a secret store, say): the tls option, verify-full by default.
const maria = createEngine("mariadb://athanor_client@127.0.0.1:3316/athanor", {
  tls: { ca: readFileSync(`${certs}/ca.pem`), cert: readFileSync(`${certs}/client.pem`), key: readFileSync(`${certs}/client.key`) },
});
const user = await maria.execute(sql`SELECT CURRENT_USER() AS user`);
console.log("MariaDB", user.rows[0]); // MariaDB { user: 'athanor_client@%' }

await Promise.all([pg.dispose(), maria.dispose()]);
