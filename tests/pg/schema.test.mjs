// The schema on PostgreSQL (issue 13): `fangkong schema --backend postgresql`, the same
// numbered steps as SQLite's translated (src/store/sqlite/sq_pgddl.c), piped into psql on a
// throwaway cluster, creates every table and view of a fresh SQLite database with the same
// columns (integers as bigint, text as text COLLATE "C"), numbers the steps as SQLite does,
// keeps audit rows append-only, and gives ids to rows inserted without one. Under a zh-CN
// database collation (ICU, or glibc's zh_CN.UTF-8), where the database's own order is not
// byte order, area-code ranges (codes ending in 9 before ":"), ORDER BY on names and name
// prefix ranges still answer in byte order, as on SQLite.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { BIN, COUNTY, runOk } from '../api/lib.mjs';
import { serverBin, startCluster } from './cluster.mjs';

let pg;
let dir;
let sqliteDb;

const psqlBin = () => {
  const own = serverBin() && join(serverBin(), 'psql');
  return own && existsSync(own) ? own : '/usr/bin/psql';
};

/** Runs a script through psql on database db; {status, stdout, stderr}. */
function psqlScript(script, db) {
  return spawnSync(psqlBin(), ['-X', '-q', '-h', pg.socketDir, '-p', String(pg.port), '-U', pg.user, '-d', db,
    '-v', 'ON_ERROR_STOP=1'], { input: script, encoding: 'utf8' });
}

/** The query's error message, or null when it runs. */
function pgError(sql, db) {
  try {
    pg.psql(sql, db);
    return null;
  } catch (e) {
    return String(e.stderr);
  }
}

const sqlite = (db, q) => execFileSync('sqlite3', ['-bail', '-separator', '|', db, q], { encoding: 'utf8' }).trim();
const rows = (text) => (text ? text.split('\n').map((l) => l.split('|')) : []);
const bytes = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function schema(backend) {
  return execFileSync(BIN, ['schema', '--backend', backend], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

/** The steps a script numbers. */
const steps = (script) => [...script.matchAll(/^-- step (\d+)$/gm)].map((m) => Number(m[1]));

/** {table: [[column, type], …]} of the base tables and views of a PostgreSQL database. */
function pgColumns(db) {
  const out = {};
  const q = `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
    JOIN information_schema.tables t USING (table_schema, table_name)
    WHERE c.table_schema = 'public' ORDER BY c.table_name, c.ordinal_position`;
  for (const [t, c, type] of rows(pg.psql(q, db))) (out[t] ??= []).push([c, type]);
  return out;
}

/** The same of a SQLite database, SQLite's types in PostgreSQL's words. */
function sqliteColumns(db) {
  const out = {};
  const pgType = { INTEGER: 'bigint', TEXT: 'text', REAL: 'double precision', BLOB: 'bytea' };
  const q = `SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p
    WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`;
  for (const [t, c, type] of rows(sqlite(db, q))) (out[t] ??= []).push([c, type ? pgType[type] ?? type : null]);
  return out;
}

/** Creates database name (createSql) and the schema in it; the psql result. */
async function createWithSchema(createSql, name) {
  pg.psql(createSql);
  return psqlScript(await schema('postgresql'), name);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fk-pg-schema-'));
  sqliteDb = join(dir, 'fresh.db');
  await runOk(['init', '--db', sqliteDb, '--county', COUNTY]);
  pg = await startCluster();
});
after(async () => {
  if (pg) await pg.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('fangkong schema --backend postgresql | psql', { timeout: 180_000 }, () => {
  let script;
  before(async () => {
    script = await schema('postgresql');
    const r = await createWithSchema('CREATE DATABASE fk_schema', 'fk_schema');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('numbers the steps as SQLite does, one schema_version row each', async () => {
    const n = steps(script);
    assert.ok(n.length >= 14);
    assert.deepEqual(n, n.map((_, i) => i + 1));
    assert.equal(pg.psql('SELECT max(version), count(*) FROM schema_version', 'fk_schema'), `${n.length}|${n.length}`);
    assert.equal(sqlite(sqliteDb, 'SELECT max(version) FROM schema_version'), String(n.length));
    // the SQLite script numbers the same steps
    assert.deepEqual(steps(await schema('sqlite')), n);
  });

  it('has every table and view of a fresh SQLite database, with the same columns', () => {
    const want = sqliteColumns(sqliteDb);
    const got = pgColumns('fk_schema');
    assert.ok(Object.keys(want).length >= 30, Object.keys(want).join(' '));
    assert.ok(want.session && want.checkpoint_count && want.report_event);
    for (const t of Object.keys(want)) {
      assert.ok(got[t], `no ${t} in PostgreSQL`);
      assert.deepEqual(got[t].map(([c]) => c), want[t].map(([c]) => c), `the columns of ${t}`);
      // a table's declared types: INTEGER → bigint, TEXT → text (a view's columns have none)
      want[t].forEach(([c, type], i) => {
        if (type) assert.equal(got[t][i][1], type, `${t}.${c}`);
      });
    }
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
  });

  it('collates every text column of every table as "C" (byte order)', () => {
    const q = `SELECT c.table_name || '.' || c.column_name || ' ' || coalesce(c.collation_name, 'default')
      FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type = 'text'
        AND c.collation_name IS DISTINCT FROM 'C'`;
    assert.equal(pg.psql(q, 'fk_schema'), '');
    assert.ok(Number(pg.psql(`SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'
      AND collation_name = 'C'`, 'fk_schema')) > 200);
  });

  it('keeps audit rows append-only: update, delete and truncate refused with SQLite\'s message', () => {
    const ins = (extra = '') => pg.psql(`INSERT INTO audit(${extra ? 'id, ' : ''}at, action, result)
      VALUES (${extra}${extra ? ', ' : ''}1, 'area.create', 'ok') RETURNING id`, 'fk_schema');
    const first = Number(ins());
    assert.ok(first >= 1);
    assert.equal(ins('1000'), '1000', 'an explicit id (a copy from SQLite) is kept');
    for (const sql of ["UPDATE audit SET result = 'denied'", 'DELETE FROM audit', 'TRUNCATE audit']) {
      assert.match(pgError(sql, 'fk_schema') ?? 'ran', /audit rows are append-only/, sql);
    }
    assert.equal(pg.psql("SELECT count(*) FROM audit WHERE result = 'ok'", 'fk_schema'), '2');
  });

  it('checks the foreign keys of person, travel and task per statement as a foreign key would', () => {
    const db = 'fk_schema';
    const fkError = (sql) => {
      const e = pgError(sql, db);
      assert.ok(e, `${sql}: ran`);
      assert.match(e, /names no|is named by|name the/, sql);
      return e;
    };
    pg.psql(`INSERT INTO area(code, level, name, created_at, updated_at) VALUES ('329', 1, 'fk', 0, 0),
      ('3299', 2, 'fk2', 0, 0)`, db);
    // a statement of several rows: one bad row refuses the whole statement
    fkError(`INSERT INTO person(id, name, area_code, created_at, updated_at) VALUES
      ('fk1', 'a', '329', 0, 0), ('fk2', 'b', 'nowhere', 0, 0)`);
    assert.equal(pg.psql("SELECT count(*) FROM person WHERE id IN ('fk1', 'fk2')", db), '0');
    pg.psql(`INSERT INTO person(id, name, area_code, created_at, updated_at) VALUES ('fk1', 'a', '329', 0, 0)`, db);
    fkError("INSERT INTO travel(person_id, created_at) VALUES ('fk-none', 1)");
    fkError("INSERT INTO task(id, person_id, area_code, due_at, created_at) VALUES ('t1', 'fk-none', '329', 1, 1)");
    fkError("INSERT INTO task(id, person_id, area_code, due_at, created_at) VALUES ('t1', 'fk1', 'nowhere', 1, 1)");
    pg.psql("INSERT INTO task(id, person_id, area_code, due_at, created_at) VALUES ('t1', 'fk1', '329', 1, 1)", db);
    pg.psql("INSERT INTO travel(person_id, created_at) SELECT 'fk1', 1", db);
    // the SQLSTATE of a foreign key's, which the store answers as a refused write
    assert.match(psqlScript("\\set VERBOSITY verbose\nUPDATE task SET area_code = 'nowhere' WHERE id = 't1';", db).stderr, /23503/);
    fkError("UPDATE person SET area_code = 'nowhere' WHERE id = 'fk1'");
    fkError("UPDATE task SET person_id = 'fk-none' WHERE id = 't1'");
    pg.psql("UPDATE task SET area_code = '3299' WHERE id = 't1'", db);
    // what rows name is kept: no delete, renumbering or truncate
    fkError("DELETE FROM person WHERE id = 'fk1'");
    fkError("UPDATE person SET id = 'fk9' WHERE id = 'fk1'");
    fkError('TRUNCATE person CASCADE');
    fkError("DELETE FROM area WHERE code = '3299'");
    fkError("UPDATE area SET code = '3298' WHERE code = '329'");
    assert.equal(pg.psql("SELECT count(*) FROM person WHERE id = 'fk1'", db), '1');
    // once nothing names them they go as before
    pg.psql("DELETE FROM task WHERE id = 't1'; DELETE FROM travel WHERE person_id = 'fk1'; DELETE FROM person WHERE id = 'fk1'", db);
    pg.psql("DELETE FROM area WHERE code IN ('3299', '329')", db);
  });

  it('numbers rows inserted without an id, as SQLite\'s rowid ids', () => {
    for (const [t, cols, vals] of [
      ['person_event', 'person_id, at, kind', "'p', 1, 'created'"],
      ['travel', 'person_id, created_at', "'p', 1"],
      ['import_issue', 'import_id, line, code, severity', "'i', 1, 'x', 'error'"],
      ['notification', 'user_id, kind, area_code, object_type, object_id, created_at', "'u', 'k', '32', 't', 'o', 1"],
      ['outbound', 'area_code, kind, url, body, next_at, created_at', "'32', 'k', 'u', 'b', 1, 1"],
    ]) {
      if (t === 'travel') {
        pg.psql(`INSERT INTO area(code, level, name, created_at, updated_at) VALUES ('32', 1, 's', 0, 0)`, 'fk_schema');
        pg.psql(`INSERT INTO person(id, name, area_code, created_at, updated_at) VALUES ('p', 'n', '32', 0, 0)`, 'fk_schema');
      }
      const ids = [1, 2].map(() => Number(pg.psql(`INSERT INTO ${t}(${cols}) VALUES (${vals}) RETURNING id`, 'fk_schema')));
      assert.ok(ids[0] >= 1 && ids[1] > ids[0], `${t}: ${ids}`);
    }
  });

  it('step 10\'s backfill (strftime, substr, a view) counts the same days on both', async () => {
    // the report day is the calendar day in Asia/Shanghai: 1580486400 is 2020-02-01 00:00 there
    const db = join(dir, 'backfill.db');
    const r = spawnSync('sqlite3', ['-bail', db], { input: await schema('sqlite'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const area = '320481116200';
    const rows_ = [['t1', 1580486399, 'open', 'NULL'], ['t2', 1580486400, 'closed', 1580486400 + 86400],
      ['t3', 1580400000, 'open', 'NULL'], ['t4', 1, 'closed', 2]];
    const tasks = `INSERT INTO task(id, person_id, area_code, status, due_at, created_at, closed_at, key_area) VALUES ${
      rows_.map(([id, at, st, closed], i) => `('${id}', 'p', '${area}', '${st}', 0, ${at}, ${closed}, ${i % 2})`).join(', ')}`;
    sqlite(db, `INSERT INTO area(code, level, name, created_at, updated_at) VALUES ('${area}', 12, 'v', 0, 0);
      INSERT INTO person(id, name, area_code, created_at, updated_at) VALUES ('p', 'n', '${area}', 0, 0); ${tasks}`);
    pg.psql(`INSERT INTO area(code, level, name, created_at, updated_at) VALUES ('${area}', 12, 'v', 0, 0)
      ON CONFLICT DO NOTHING`, 'fk_schema');
    pg.psql(`INSERT INTO person(id, name, area_code, created_at, updated_at) VALUES ('p', 'n', '${area}', 0, 0)
      ON CONFLICT DO NOTHING`, 'fk_schema');
    pg.psql(tasks, 'fk_schema');
    // the backfill's two statements, as each script has them
    const backfill = (script) => script.split('\n').filter((l) => l.startsWith('INSERT INTO report_count')).join('\n');
    assert.match(backfill(await schema('postgresql')), /to_char\(to_timestamp\(e\.at \+ 28800\) AT TIME ZONE 'UTC', 'YYYYMMDD'\)/);
    sqlite(db, `DELETE FROM report_count; ${backfill(await schema('sqlite'))}`);
    pg.psql(`DELETE FROM report_count; ${backfill(await schema('postgresql'))}`, 'fk_schema');
    const q = 'SELECT day, level, area_code, metric, n FROM report_count ORDER BY 1, 2, 3, 4';
    const want = sqlite(db, q);
    assert.match(want, /^0\|6\|320481\|pushed\|4$/m);
    assert.match(want, /^20200131\|12\|320481116200\|pushed\|2$/m, 'a second before midnight in Shanghai');
    assert.match(want, /^20200201\|12\|320481116200\|pushed\|1$/m, 'midnight in Shanghai');
    assert.match(want, /^19700101\|9\|320481116\|verified\|1$/m);
    assert.equal(pg.psql(q, 'fk_schema'), want);
  });

  it('the SQLite script makes what fangkong init makes', async () => {
    const db = join(dir, 'script.db');
    const r = spawnSync('sqlite3', ['-bail', db], { input: await schema('sqlite'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const q = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name";
    assert.equal(sqlite(db, q), sqlite(sqliteDb, q));
  });
});

describe('under a zh-CN database collation, text still compares as bytes', { timeout: 180_000 }, () => {
  let db = null;
  let icu = false;
  let why = '';

  before(async () => {
    const tries = [
      ['ICU zh-CN', "CREATE DATABASE fk_zh TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'zh-CN' LOCALE 'C.UTF-8'"],
      ['glibc zh_CN.UTF-8', "CREATE DATABASE fk_zh TEMPLATE template0 LC_COLLATE 'zh_CN.UTF-8' LC_CTYPE 'zh_CN.UTF-8'"],
    ];
    for (const [name, sql] of tries) {
      const err = pgError(sql, 'postgres');
      if (err) {
        why += `${name}: ${err.trim()}; `;
        continue;
      }
      icu = name.startsWith('ICU');
      const r = psqlScript(await schema('postgresql'), 'fk_zh');
      assert.equal(r.status, 0, r.stderr);
      db = 'fk_zh';
      break;
    }
    if (!db) return;
    const areas = ['32', '3204', '320419', '320419001', '320419999', '3204199', '32041:', '320420', '32041', '3204189'];
    const names = ['张三', '张三丰', '弡', '张山', '张一', '张上', 'Zhang', 'apple', 'Banana', '_x', '9', ':'];
    const values = areas.map((c, i) => `('${c}', ${c.length}, '${names[i % names.length]}', 0, 0)`);
    pg.psql(`INSERT INTO area(code, level, name, created_at, updated_at) VALUES ${values.join(', ')}`, db);
    const people = names.map((n, i) => `('p${i}', '${n}', '320419', 0, 0)`);
    pg.psql(`INSERT INTO person(id, name, area_code, created_at, updated_at) VALUES ${people.join(', ')}`, db);
  });

  const list = (sql) => (pg.psql(sql, db) || '').split('\n').filter((l) => l !== '');
  const skip = () => (db ? false : `no zh-CN collation in this PostgreSQL (${why})`);

  it('an area range ending in 9 runs to ":" in byte order', (t) => {
    if (skip()) return t.skip(skip());
    const all = list('SELECT code FROM area');
    const want = all.filter((c) => bytes(c, '320419') >= 0 && bytes(c, '32041:') < 0).sort(bytes);
    assert.deepEqual(want, ['320419', '320419001', '3204199', '320419999']);
    assert.deepEqual(list("SELECT code FROM area WHERE code >= '320419' AND code < '32041:' ORDER BY code"), want);
    // the database's own collation would not: the test can fail
    if (icu) {
      assert.notDeepEqual(list(`SELECT code FROM area WHERE code COLLATE "default" >= '320419'
        AND code COLLATE "default" < '32041:' ORDER BY code COLLATE "default"`), want);
    }
  });

  it('ORDER BY on names and codes is byte order', (t) => {
    if (skip()) return t.skip(skip());
    const names = list('SELECT name FROM person');
    assert.deepEqual(list('SELECT name FROM person ORDER BY name'), [...names].sort(bytes));
    const codes = list('SELECT code FROM area');
    assert.deepEqual(list('SELECT code FROM area ORDER BY code'), [...codes].sort(bytes));
    assert.deepEqual(list("SELECT name FROM person WHERE name LIKE '张三%' ORDER BY name"), ['张三', '张三丰']);
    if (icu) {
      assert.notDeepEqual(list('SELECT name FROM person ORDER BY name COLLATE "default"'), [...names].sort(bytes));
    }
  });

  it('a name prefix range (as sq_text_prefix_end makes it) holds only that prefix', (t) => {
    if (skip()) return t.skip(skip());
    // 张三 → [张三, 张上): 三 is U+4E09, 上 U+4E0A; 张山 (shan) lies between in pinyin order
    const want = ['张三', '张三丰'];
    assert.deepEqual(list("SELECT name FROM person WHERE name >= '张三' AND name < '张上' ORDER BY name"), want);
    if (icu) {
      assert.notDeepEqual(list(`SELECT name FROM person WHERE name COLLATE "default" >= '张三'
        AND name COLLATE "default" < '张上' ORDER BY name COLLATE "default"`), want);
    }
  });
});
