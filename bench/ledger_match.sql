-- The ledger match of `ics ledger match --period P`, written as plain SQL for the sqlite3 shell,
-- for the benchmark comparison (bench/ledger_bench.sh). Same rules, same CSV out (default
-- thresholds): for every supplier S and purchaser P either side reported, S's receivables from P
-- against P's payables to S (rp) and S's income from P against P's expenditure with S (ie),
-- invoice-level pairing where both sides give refs, status agreed / disputed / below_threshold /
-- mismatch on what settlements leave (adjustments), each side's latest explanation. Set the period first:  .parameter set @period '2022-23-M12'
.headers off
.mode list
.separator ","
WITH cur AS (
    SELECT id, org FROM submission WHERE period = @period AND is_current = 1
), side AS (
    SELECT CASE WHEN l.kind IN ('receivable', 'income') THEN c.org ELSE l.counterparty END AS supplier,
           CASE WHEN l.kind IN ('receivable', 'income') THEN l.counterparty ELSE c.org END AS purchaser,
           CASE WHEN l.kind IN ('receivable', 'payable') THEN 'rp' ELSE 'ie' END AS cls,
           l.kind IN ('receivable', 'income') AS is_s,
           l.invoice_ref AS ref, l.amount AS amount
    FROM line l JOIN cur c ON l.submission_id = c.id
), totals AS (
    SELECT supplier, purchaser, cls,
           SUM(CASE WHEN is_s THEN amount ELSE 0 END) AS st,
           SUM(CASE WHEN is_s THEN 0 ELSE amount END) AS pt,
           MAX(is_s AND ref IS NOT NULL) AS s_refs,
           MAX(NOT is_s AND ref IS NOT NULL) AS p_refs
    FROM side GROUP BY supplier, purchaser, cls
), inv AS (
    SELECT supplier, purchaser, cls, ref,
           SUM(CASE WHEN is_s THEN amount END) AS sa,
           SUM(CASE WHEN is_s THEN NULL ELSE amount END) AS pa
    FROM side WHERE ref IS NOT NULL GROUP BY supplier, purchaser, cls, ref
), pairing AS (
    SELECT supplier, purchaser, cls,
           SUM(sa IS NOT NULL AND pa IS NOT NULL AND sa = pa) AS matched,
           SUM(sa IS NOT NULL AND pa IS NOT NULL AND sa <> pa) AS differs,
           SUM(pa IS NULL) AS only_s,
           SUM(sa IS NULL) AS only_p
    FROM inv GROUP BY supplier, purchaser, cls
), judged AS (
    SELECT t.*, p.matched, p.differs, p.only_s, p.only_p,
           MAX(abs(t.st), abs(t.pt)) AS balance,
           t.st - t.pt AS mm,
           CASE t.cls WHEN 'rp' THEN 250000 ELSE 200000000 END AS stmt_threshold,
           CASE t.cls WHEN 'rp' THEN 30000000 ELSE 300000000 END AS agree_threshold,
           EXISTS (SELECT 1 FROM dispute d WHERE d.stage <> 'closed' AND d.period <= @period
                   AND d.supplier = t.supplier AND d.purchaser = t.purchaser AND d.kind = t.cls) AS disputed,
           COALESCE((SELECT SUM(a.cleared) FROM adjustment a WHERE a.period = @period AND a.supplier = t.supplier
                     AND a.purchaser = t.purchaser AND a.kind = t.cls), 0) AS cleared,
           (SELECT e.reason || char(31) || COALESCE(e.note, '') FROM explanation e WHERE e.period = @period
             AND e.supplier = t.supplier AND e.purchaser = t.purchaser AND e.kind = t.cls AND e.org = t.supplier
             ORDER BY e.id DESC LIMIT 1) AS s_explained,
           (SELECT e.reason || char(31) || COALESCE(e.note, '') FROM explanation e WHERE e.period = @period
             AND e.supplier = t.supplier AND e.purchaser = t.purchaser AND e.kind = t.cls AND e.org = t.purchaser
             ORDER BY e.id DESC LIMIT 1) AS p_explained
    FROM totals t LEFT JOIN pairing p USING (supplier, purchaser, cls)
), settled AS (
    -- Settlements clear the difference towards zero, never past it.
    SELECT j.*, CASE WHEN mm > 0 THEN MAX(mm - cleared, 0) WHEN mm < 0 THEN MIN(mm + cleared, 0) ELSE 0 END AS left,
           COALESCE(substr(s_explained, 1, instr(s_explained, char(31)) - 1), '') AS s_reason,
           COALESCE(substr(s_explained, instr(s_explained, char(31)) + 1), '') AS s_note,
           COALESCE(substr(p_explained, 1, instr(p_explained, char(31)) - 1), '') AS p_reason,
           COALESCE(substr(p_explained, instr(p_explained, char(31)) + 1), '') AS p_note
    FROM judged j
)
SELECT 'period,supplier,purchaser,kind,supplier_total,purchaser_total,mismatch,status,statement_required,matched,amount_differs,only_supplier,only_purchaser,adjustment,adjusted_mismatch,supplier_reason,supplier_note,purchaser_reason,purchaser_note'
UNION ALL
SELECT line FROM (
    SELECT supplier, purchaser, cls,
           @period || ',' || supplier || ',' || purchaser || ',' || cls || ',' ||
           (CASE WHEN st < 0 THEN '-' ELSE '' END) || (abs(st) / 100) || '.' || printf('%02d', abs(st) % 100) || ',' ||
           (CASE WHEN pt < 0 THEN '-' ELSE '' END) || (abs(pt) / 100) || '.' || printf('%02d', abs(pt) % 100) || ',' ||
           (CASE WHEN mm < 0 THEN '-' ELSE '' END) || (abs(mm) / 100) || '.' || printf('%02d', abs(mm) % 100) || ',' ||
           CASE WHEN left = 0 THEN 'agreed' WHEN disputed THEN 'disputed'
                WHEN balance <= agree_threshold THEN 'below_threshold' ELSE 'mismatch' END || ',' ||
           CASE WHEN balance > stmt_threshold THEN 'yes' ELSE 'no' END || ',' ||
           CASE WHEN s_refs AND p_refs THEN matched || ',' || differs || ',' || only_s || ',' || only_p
                ELSE '0,0,0,0' END || ',' ||
           (CASE WHEN mm - left < 0 THEN '-' ELSE '' END) || (abs(mm - left) / 100) || '.' || printf('%02d', abs(mm - left) % 100) || ',' ||
           (CASE WHEN left < 0 THEN '-' ELSE '' END) || (abs(left) / 100) || '.' || printf('%02d', abs(left) % 100) || ',' ||
           s_reason || ',' || CASE WHEN s_note LIKE '%,%' OR s_note LIKE '%"%' THEN '"' || replace(s_note, '"', '""') || '"' ELSE s_note END || ',' ||
           p_reason || ',' || CASE WHEN p_note LIKE '%,%' OR p_note LIKE '%"%' THEN '"' || replace(p_note, '"', '""') || '"' ELSE p_note END AS line
    FROM settled
    ORDER BY supplier, purchaser, cls
);
