// A throwaway PostgreSQL cluster for the tests (issue 13): initdb in a temp dir, a free
// port, the Unix socket in that dir and no TCP listener, run as a non-root user when the
// tests run as root (PostgreSQL refuses root), started as a child of this process and
// stopped by its PID. Nothing installed or running beforehand is used: only the server
// binaries of Debian's postgresql-15 package (scripts/deps.sh), never its system cluster.
//
//   const pg = await startCluster();   // {pid, dir, socketDir, port, user, url, psql(sql)}
//   …
//   await pg.stop();                   // SIGINT (fast shutdown) to the PID, waits, removes dir
//   await pg.stopImmediate();          // SIGQUIT (immediate stop), for crash tests
//   await pg.restart();                // again on the same data dir and port
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest installed server's bin directory (/usr/lib/postgresql/N/bin), or null. */
export function serverBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The account the cluster runs as: ours, or when we are root the `postgres` system user
 * (made by the package), else `nobody`. {uid, gid} or {} for ours. */
function runAs() {
  if (process.getuid() !== 0) return {};
  for (const name of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (r.status === 0 && g.status === 0) return { uid: Number(r.stdout), gid: Number(g.stdout) };
  }
  throw new Error('running as root and no postgres or nobody account to run PostgreSQL as');
}

/** Starts a cluster; resolves once it accepts connections (it says so on its log). */
// icuLocale: the cluster's default collation is ICU's for that locale (e.g. 'zh-CN', where
// ':' sorts before digits and 张 by pinyin): every database made in it has it. settings:
// ['name=value', …] given to the postmaster as -c options (the benchmarks' PG_SETTINGS).
export async function startCluster({ timeoutMs = 60_000, icuLocale = null, settings = [] } = {}) {
  const bin = serverBin();
  if (!bin) throw new Error('no PostgreSQL server binaries in /usr/lib/postgresql: run scripts/deps.sh');
  const dir = mkdtempSync(join(tmpdir(), 'fangkong-pg-'));
  const data = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  mkdirSync(socketDir);
  const as = runAs();
  if (as.uid !== undefined) {
    chownSync(dir, as.uid, as.gid);
    chownSync(socketDir, as.uid, as.gid);
  }
  const user = 'fangkong';
  const locale = icuLocale ? ['--locale-provider=icu', `--icu-locale=${icuLocale}`] : [];
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', ...locale],
    { ...as, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await freePort();
  // The postmaster, started (again: restart) on the data dir and port; resolves once it
  // accepts connections (it says so on its log).
  let proc;
  let exited;
  let log = '';
  const launch = async () => {
    proc = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', socketDir, '-c', "listen_addresses=",
      '-c', 'fsync=on', '-c', 'synchronous_commit=on', ...settings.flatMap((kv) => ['-c', kv])],
    { ...as, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const p = proc;
    let out = '';
    exited = new Promise((resolve) => p.once('exit', (code, sig) => resolve({ code, sig })));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
      const seen = (d) => {
        out += d;
        log += d;
        if (/database system is ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      p.stdout.on('data', seen);
      p.stderr.on('data', seen);
      exited.then(({ code, sig }) => { clearTimeout(timer); reject(new Error(`PostgreSQL exited (${code ?? sig}) before it was ready:\n${out}`)); });
    });
  };
  const running = () => proc.exitCode === null && proc.signalCode === null;
  await launch();
  const url = `postgresql://${user}@/postgres?host=${encodeURIComponent(socketDir)}&port=${port}`;
  return {
    /** The postmaster's PID (a new one after restart()). */
    get pid() {
      return proc.pid;
    },
    dir,
    socketDir,
    port,
    user,
    url,
    log: () => log,
    /** Whether the postmaster runs. */
    running,
    /** One statement through psql on the socket; its output (unaligned, tuples only). */
    psql(sql, db = 'postgres') {
      return execFileSync(join(bin, 'psql'), ['-X', '-q', '-A', '-t', '-h', socketDir, '-p', String(port), '-U', user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-c', sql],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    },
    /** A fast shutdown by the PID (SIGINT), waits for the exit, removes the directory. */
    async stop() {
      if (running()) process.kill(proc.pid, 'SIGINT');
      const r = await exited;
      rmSync(dir, { recursive: true, force: true });
      return r;
    },
    /** The server killed at once (SIGKILL), for crash tests; the directory stays. */
    async kill() {
      if (running()) process.kill(proc.pid, 'SIGKILL');
      return exited;
    },
    /** An immediate stop (SIGQUIT to the postmaster, as pg_ctl stop -m immediate): every
     * session is cut at once, nothing is flushed beyond what was committed, and the next
     * start recovers from the WAL. Resolves with the exit; the directory stays. */
    async stopImmediate() {
      if (running()) process.kill(proc.pid, 'SIGQUIT');
      return exited;
    },
    /** Starts PostgreSQL again on the same data dir, port and socket (after stopImmediate or
     * kill); resolves once it accepts connections (crash recovery done). */
    async restart() {
      if (running()) throw new Error('PostgreSQL is still running');
      await launch();
    },
  };
}
