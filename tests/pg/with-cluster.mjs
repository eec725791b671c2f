// Runs a command with a throwaway PostgreSQL cluster (cluster.mjs) for the API and crash
// suites on PostgreSQL (tests/run.sh: api-pg, crash-pg):
//
//   node tests/pg/with-cluster.mjs node --test … tests/api/*.test.mjs
//
// The cluster is started first; the command gets FANGKONG_PG (JSON: socketDir, port, user,
// bin) in its environment, from which tests/api/lib.mjs makes one database per server;
// the cluster is stopped by its PID when the command ends, and the command's exit code is
// this one's. The cluster's default collation is ICU zh-CN (FANGKONG_PG_LOCALE overrides);
// FANGKONG_PG_SETTINGS ("name=value …") adds postmaster settings.
import { spawn } from 'node:child_process';
import { serverBin, startCluster } from './cluster.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node tests/pg/with-cluster.mjs COMMAND [ARGS…]');
  process.exit(2);
}
// ICU zh-CN by default collation: the suites check that answers do not depend on it (every
// text column is COLLATE "C"; docs/store.md)
const pg = await startCluster({
  icuLocale: process.env.FANGKONG_PG_LOCALE ?? 'zh-CN',
  settings: (process.env.FANGKONG_PG_SETTINGS ?? '').split(/\s+/).filter(Boolean),
});
const env = {
  ...process.env,
  FANGKONG_PG: JSON.stringify({ socketDir: pg.socketDir, port: pg.port, user: pg.user, bin: serverBin() }),
};
const child = spawn(cmd, args, { stdio: 'inherit', env });
const stop = () => child.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
await pg.stop();
process.exit(code);
