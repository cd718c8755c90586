// The `ics beds` pipeline written in DuckDB SQL, for `make bench` only: the
// competitor ics is measured against, and an independent check of its totals.
//
//   node duckdb_beds.mjs SPELLS.csv --by provider|residence
//        [--trimpoints FILE --from YYYY-MM-DD --to YYYY-MM-DD] [--threads N] [-o OUT.csv]
//   node duckdb_beds.mjs --compare ICS_OUT.csv DUCKDB_OUT.csv
//
// The first form writes level,code,<measures>,period_from,period_to: one row
// per code and a `total` row, like `ics beds` (no names, no cost: the bench
// has no rates, so every cost is 0). The second compares the two total rows
// measure by measure (and every code's row when both files have the same
// codes) and exits 1, naming the differences, if any differ.
//
// Definitions follow issue 2 §3 and docs/definitions.md, nothing is taken from
// the ics source:
//   - rows are used when the provider is not empty, the admission date is a
//     date, the discharge date is empty (still in hospital) or not before the
//     admission, and the admission method is a valid HES ADMIMETH code;
//     class is elective when the method starts with '1'.
//   - period: --from/--to, or the financial year (1 April - 31 March) that
//     holds the latest discharge date.
//   - LOS = discharge - admission. Spell measures count spells discharged in
//     the period; excess = max(0, LOS - trim point of (HRG, class)), 0 when
//     the HRG is empty or has no trim point for the class.
//   - trim points: from --trimpoints in ics's own layout (empty means none; 0 is
//     a trim point of 0 days, as the ics loader reads that layout), or derived from the period's discharged
//     spells per HRG and class: ceil(Q3 + 1.5 IQR), quartiles by
//     quantile_cont (linear interpolation, R type 7), none under 10 spells.
//   - occupancy: night d is occupied when admission <= d < discharge and d is
//     in the period; open spells occupy every night from admission to `to`.
//     A 7+ (21+) night has d - admission >= 7 (21).
//
// Every column is read with an explicit type (dates as DATE; columns the
// pipeline does not use as VARCHAR) and the dialect is given. The sniffer
// still samples the file: with auto_detect = false DuckDB has no row estimate
// for the CSV (it guesses ~42 rows), hashes the 20 million spells instead of
// the few thousand trim points in the join and needs 2 GB; with the sample
// it picks the right side.
import { readFileSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const MEASURES = [
    'spells', 'bed_days', 'excess_bed_days', 'long_stay_7_spells', 'long_stay_21_spells',
    'occupied_bed_days', 'long_stay_7_bed_days', 'long_stay_21_bed_days',
];

function die(msg) {
    process.stderr.write(`duckdb_beds: ${msg}\n`);
    process.exit(2);
}

function sqlString(s) {
    return `'${String(s).replace(/'/g, "''")}'`;
}

// Minimal CSV reading for the small result files (no quoted newlines there).
function parseCsvLine(line) {
    const out = [];
    let cur = '', q = false;
    for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (q) {
            if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
            else if (ch === '"') q = false;
            else cur += ch;
        } else if (ch === '"') q = true;
        else if (ch === ',') { out.push(cur); cur = ''; }
        else cur += ch;
    }
    out.push(cur);
    return out;
}

// Rows of a result file as code -> {measure: string}.
function resultRows(path) {
    const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
    if (lines.length < 2) die(`${path}: no rows`);
    const head = parseCsvLine(lines[0]);
    const codeCol = head.indexOf('code');
    if (codeCol < 0) die(`${path}: no 'code' column`);
    const cols = MEASURES.map((m) => {
        const c = head.indexOf(m);
        if (c < 0) die(`${path}: no '${m}' column`);
        return c;
    });
    const rows = new Map();
    for (const line of lines.slice(1)) {
        const f = parseCsvLine(line);
        const row = {};
        MEASURES.forEach((m, i) => { row[m] = f[cols[i]]; });
        rows.set(f[codeCol], row);
    }
    if (!rows.has('total')) die(`${path}: no total row`);
    return rows;
}

function differences(a, b) {
    return MEASURES.filter((m) => BigInt(a[m]) !== BigInt(b[m]));
}

// The totals must be identical. Codes are compared too when both files have
// the same set (ics may roll retired local authority codes into their
// successors at residence level, and then only the totals are comparable).
function compare(icsPath, duckPath) {
    const ra = resultRows(icsPath), rb = resultRows(duckPath);
    const a = ra.get('total'), b = rb.get('total');
    const bad = differences(a, b);
    if (bad.length) {
        process.stderr.write(`TOTALS DIFFER between ics (${icsPath}) and DuckDB (${duckPath}):\n`);
        for (const m of bad)
            process.stderr.write(`  ${m}: ics ${a[m]}, duckdb ${b[m]}, difference ${BigInt(b[m]) - BigInt(a[m])}\n`);
        process.exit(1);
    }
    let codes = 'code sets differ, totals only';
    const sameSet = ra.size === rb.size && [...ra.keys()].every((k) => rb.has(k));
    if (sameSet) {
        const wrong = [...ra.keys()].filter((k) => differences(ra.get(k), rb.get(k)).length > 0);
        if (wrong.length) {
            process.stderr.write(`ROWS DIFFER between ics and DuckDB for ${wrong.length} codes, e.g. ${wrong[0]}: ` +
                differences(ra.get(wrong[0]), rb.get(wrong[0])).map((m) =>
                    `${m} ics ${ra.get(wrong[0])[m]} duckdb ${rb.get(wrong[0])[m]}`).join(', ') + '\n');
            process.exit(1);
        }
        codes = `all ${ra.size - 1} codes identical too`;
    }
    process.stdout.write(`totals identical (${codes}): ${MEASURES.map((m) => `${m}=${a[m]}`).join(' ')}\n`);
}

function headerOf(path) {
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(65536);
    const n = readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    let text = buf.subarray(0, n).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const end = text.indexOf('\n');
    if (end < 0) die(`${path}: no header line`);
    return parseCsvLine(text.slice(0, end).replace(/\r$/, ''));
}

// Canonical names and the aliases ics accepts (HES/SUS names).
const NEEDED = {
    provider_code: ['provider_code', 'procode3', 'procode', 'provider'],
    patient_la: ['patient_la', 'resladst_ons', 'resladst', 'la_code'],
    admission_date: ['admission_date', 'admidate'],
    discharge_date: ['discharge_date', 'disdate'],
    admission_method: ['admission_method', 'admimeth'],
    hrg: ['hrg', 'sushrg', 'hrg40', 'hrg_code'],
};

function buildSql(opt, header) {
    const columns = {};
    const rename = {};
    for (const name of header) {
        const canon = Object.keys(NEEDED).find((k) => NEEDED[k].includes(name.toLowerCase()));
        columns[name] = canon && canon.endsWith('_date') ? 'DATE' : 'VARCHAR';
        if (canon && !rename[canon]) rename[canon] = name;
    }
    for (const k of Object.keys(NEEDED))
        if (!rename[k]) die(`${opt.file}: missing column '${k}'`);
    const col = (k) => `"${rename[k].replace(/"/g, '""')}"`;
    const colSpec = '{' + header.map((h) => `${sqlString(h)}: ${sqlString(columns[h])}`).join(', ') + '}';
    const key = opt.by === 'provider' ? col('provider_code') : col('patient_la');
    const methods = ['11', '12', '13', '21', '22', '23', '24', '25', '28', '2A', '2B', '2C', '2D', '31', '32',
                     '81', '82', '83', '84', '89', '98', '99'].map(sqlString).join(', ');

    const spells = `
  raw AS (
    SELECT * FROM read_csv(${sqlString(opt.file)}, header = true, delim = ',', quote = '"', escape = '"',
                           types = ${colSpec})
  ),
  spells AS (
    SELECT trim(${key}) AS code, trim(${col('hrg')}) AS hrg,
           CASE WHEN starts_with(trim(${col('admission_method')}), '1') THEN 0 ELSE 1 END AS cls,
           ${col('admission_date')} AS adm, ${col('discharge_date')} AS dis
    FROM raw
    WHERE trim(coalesce(${col('provider_code')}, '')) <> ''
      AND ${col('admission_date')} IS NOT NULL
      AND (${col('discharge_date')} IS NULL OR ${col('discharge_date')} >= ${col('admission_date')})
      AND upper(trim(${col('admission_method')})) IN (${methods})
  )`;

    let period, trim;
    if (opt.from) {
        period = `p AS (SELECT DATE ${sqlString(opt.from)} AS pfrom, DATE ${sqlString(opt.to)} AS pto)`;
    } else {
        period = `
  p AS (
    SELECT pfrom, CAST(pfrom + INTERVAL 1 YEAR - INTERVAL 1 DAY AS DATE) AS pto
    FROM (SELECT make_date(CAST(year(m) - CASE WHEN month(m) < 4 THEN 1 ELSE 0 END AS INTEGER), 4, 1) AS pfrom
          FROM (SELECT max(dis) AS m FROM spells))
  )`;
    }
    if (opt.trimpoints) {
        trim = `
  tpfile AS (
    SELECT * FROM read_csv(${sqlString(opt.trimpoints)}, header = true, auto_detect = false,
        columns = {'hrg': 'VARCHAR', 'elective_trimpoint_days': 'INTEGER', 'non_elective_trimpoint_days': 'INTEGER'})
  ),
  trimpoints AS (
    SELECT trim(hrg) AS hrg, 0 AS cls, elective_trimpoint_days AS tp FROM tpfile
    UNION ALL
    SELECT trim(hrg), 1, non_elective_trimpoint_days FROM tpfile
  )`;
    } else {
        trim = `
  trimpoints AS (
    SELECT hrg, cls, CAST(ceil(q[2] + 1.5 * (q[2] - q[1])) AS INTEGER) AS tp
    FROM (SELECT hrg, cls, count(*) AS n, quantile_cont(CAST(dis - adm AS DOUBLE), [0.25, 0.75]) AS q
          FROM spells, p
          WHERE dis BETWEEN pfrom AND pto AND hrg IS NOT NULL AND hrg <> ''
          GROUP BY hrg, cls)
    WHERE n >= 10
  )`;
    }
    return `
WITH ${spells},
  ${period},
  ${trim},
  s AS (
    SELECT spells.code, spells.adm, CAST(spells.dis - spells.adm AS BIGINT) AS los,
           spells.dis BETWEEN p.pfrom AND p.pto AS discharged_in,
           trimpoints.tp,
           CAST(CASE WHEN spells.dis IS NULL THEN p.pto ELSE least(p.pto, spells.dis - 1) END - p.pfrom AS BIGINT)
               AS last_night,
           CAST(greatest(spells.adm, p.pfrom) - p.pfrom AS BIGINT) AS lo,
           CAST(greatest(spells.adm + 7, p.pfrom) - p.pfrom AS BIGINT) AS lo7,
           CAST(greatest(spells.adm + 21, p.pfrom) - p.pfrom AS BIGINT) AS lo21
    FROM spells CROSS JOIN p
    LEFT JOIN trimpoints ON trimpoints.hrg = spells.hrg AND trimpoints.cls = spells.cls
  ),
  g AS (
    SELECT code,
      count(*) FILTER (WHERE discharged_in) AS spells,
      coalesce(sum(los) FILTER (WHERE discharged_in), 0) AS bed_days,
      coalesce(sum(greatest(0, los - tp)) FILTER (WHERE discharged_in), 0) AS excess_bed_days,
      count(*) FILTER (WHERE discharged_in AND los >= 7) AS long_stay_7_spells,
      count(*) FILTER (WHERE discharged_in AND los >= 21) AS long_stay_21_spells,
      sum(greatest(0, last_night - lo + 1)) AS occupied_bed_days,
      sum(greatest(0, last_night - lo7 + 1)) AS long_stay_7_bed_days,
      sum(greatest(0, last_night - lo21 + 1)) AS long_stay_21_bed_days
    FROM s GROUP BY code
  )
SELECT code, ${MEASURES.map((m) => `CAST(${m} AS BIGINT) AS ${m}`).join(', ')},
       CAST((SELECT pfrom FROM p) AS VARCHAR) AS period_from, CAST((SELECT pto FROM p) AS VARCHAR) AS period_to
FROM g ORDER BY code`;
}

function csvField(v) {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function run(opt) {
    const header = headerOf(opt.file);
    const sql = buildSql(opt, header);
    if (opt.explain) {
        process.stdout.write(sql + '\n');
        return;
    }
    const config = {};
    if (opt.threads) config.threads = String(opt.threads);
    const instance = await DuckDBInstance.create(':memory:', config);
    const con = await instance.connect();
    const rows = (await con.runAndReadAll(sql)).getRowObjectsJson();
    const total = {};
    for (const m of MEASURES) total[m] = 0n;
    for (const r of rows)
        for (const m of MEASURES) total[m] += BigInt(r[m]);
    const from = rows.length ? rows[0].period_from : opt.from, to = rows.length ? rows[0].period_to : opt.to;
    const lines = [['level', 'code', ...MEASURES, 'period_from', 'period_to'].join(',')];
    for (const r of rows)
        lines.push([opt.by, csvField(r.code), ...MEASURES.map((m) => r[m]), from, to].join(','));
    lines.push(['total', 'total', ...MEASURES.map((m) => total[m].toString()), from, to].join(','));
    const text = lines.join('\n') + '\n';
    if (opt.out) writeFileSync(opt.out, text);
    else process.stdout.write(text);
    process.stderr.write(`duckdb_beds: ${rows.length} codes, period ${from} to ${to}, ${total.spells} spells discharged\n`);
    con.closeSync();
    instance.closeSync();
}

function main(argv) {
    if (argv[0] === '--compare') {
        if (argv.length !== 3) die('usage: --compare ICS_OUT.csv DUCKDB_OUT.csv');
        return compare(argv[1], argv[2]);
    }
    const opt = { by: 'provider' };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = () => {
            if (i + 1 >= argv.length) die(`${a} needs a value`);
            return argv[++i];
        };
        if (a === '--by') opt.by = next();
        else if (a === '--trimpoints') opt.trimpoints = next();
        else if (a === '--from') opt.from = next();
        else if (a === '--to') opt.to = next();
        else if (a === '--threads') opt.threads = Number(next());
        else if (a === '-o') opt.out = next();
        else if (a === '--explain') opt.explain = true;
        else if (a.startsWith('-')) die(`unknown option ${a}`);
        else if (!opt.file) opt.file = a;
        else die(`unexpected argument ${a}`);
    }
    if (!opt.file) die('usage: duckdb_beds.mjs SPELLS.csv --by provider|residence [--trimpoints F --from D --to D]');
    if (opt.by !== 'provider' && opt.by !== 'residence') die('--by must be provider or residence');
    if (!opt.from !== !opt.to) die('give both --from and --to');
    if (opt.from && !/^\d{4}-\d{2}-\d{2}$/.test(opt.from + '') ) die('--from must be YYYY-MM-DD');
    if (opt.to && !/^\d{4}-\d{2}-\d{2}$/.test(opt.to + '')) die('--to must be YYYY-MM-DD');
    return run(opt).catch((e) => die(e && e.message ? e.message : String(e)));
}

main(process.argv.slice(2));
