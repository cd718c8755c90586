# Three processes submitting at the same time: writers wait for each other (SQLite's write lock and
# busy timeout; PostgreSQL's advisory lock), a reader (match) runs meanwhile.
# A (RVR, 150,000 lines) and B (RJ1, 150,000 lines) are different organisations: both land. C (RVR,
# 100,000 lines) is a second statement for the same organisation and period as A, read at the same
# time: whichever of A and C commits first becomes version 1, and the other, which began reading when
# there was no version, is refused as a conflict (exit 9) with nothing stored, rather than silently
# replacing a statement its sender never saw.
# Expected: B and the reader exit 0; of A and C one 0 and one 9; 2 submissions, both current, 2 audit
# entries; each current submission's stored totals equal the sums of its file (computed by awk).
set -u
db=p.db
$ICS ledger init --db $db >/dev/null
gen() {  # org-counterparty kind count seed
    awk -v cp="$1" -v kind="$2" -v n="$3" -v s="$4" 'BEGIN {
        print "counterparty,kind,invoice_ref,invoice_date,amount,note";
        for (i = 0; i < n; i++)
            printf "%s,%s,X%d-%07d,2019-02-%02d,%d.%02d,\n", cp, kind, s, i, i % 28 + 1, (i * s) % 9000, (i + s) % 100 }'
}
gen QKK receivable 150000 3 > A.csv
gen QWE payable 150000 7 > B.csv
gen QKK receivable 100000 11 > C.csv
$ICS ledger submit A.csv --org RVR --period 2018-19-M12 --db $db --quiet 2>.err.a & pa=$!
$ICS ledger submit B.csv --org RJ1 --period 2018-19-M12 --db $db --quiet & pb=$!
$ICS ledger submit C.csv --org RVR --period 2018-19-M12 --db $db --quiet 2>.err.c & pc=$!
$ICS ledger match --period 2018-19-M12 --db $db >/dev/null & pm=$!
wait $pa; sa=$?
wait $pb; sb=$?
wait $pc; sc=$?
wait $pm; sm=$?
echo "exit statuses: B $sb, reader $sm; A and C: $(printf '%s\n' $sa $sc | sort | tr '\n' ' ')"
$ICS ledger submissions --db $db | cut -d, -f1-4
echo "conflict messages: $(cat .err.a .err.c | grep -c "became version 1 while this file was being read (there was none): nothing was stored")"
sums() {  # file -> "lines receivable payable" in pounds
    awk -F, 'NR > 1 { split($5, p, "."); v = p[1] * 100 + p[2]; n++;
                      if ($2 == "receivable") r += v; else if ($2 == "payable") q += v }
             END { printf "%d %.2f %.2f", n, r / 100, q / 100 }' "$1"
}
$ICS ledger submissions --current --db $db | tail -n +2 | while IFS=, read -r org period v cur at by file lines rec pay inc exp sha; do
    got="$lines $rec $pay"
    if [ "$got" = "$(sums "$file")" ]; then echo "$org: stored totals equal the file's sums"; else echo "$org: $got differs from $(sums "$file")"; fi
done
$ICS ledger check --db $db | cut -d, -f1,3,4   # the line count depends on which of A and C won
