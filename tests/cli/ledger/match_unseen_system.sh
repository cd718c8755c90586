# Reviewer's acceptance test for issue 5 (match, submit, versions, rejects), on a system the
# author has not seen: Oxford University Hospitals RTH, Oxford Health RNU, BOB ICB QU9, Reading
# E06000038, and Royal Berkshire RHW, which never submits. Data: tests/data/review_ledger_system.
# Every figure below was worked by hand and again by a fresh python3 script of the reviewer's
# (csv + Decimal, run once; it agreed with the hand working line for line).
#
# RNU_bad.csv (header is line 1): 2 good; 3 own org RNU (col 1); 4 RZZ unknown (col 1);
#   5 10.005 three decimals (col 5); 6 30 Feb (col 4); 7 good; 8 RNU-501 again for RTH/receivable
#   (col 3, first on 7); 9 same ref as payable and 10 same ref for E06000038: both fine;
#   11 kind 'invoice' (col 2). Six bad rows, exit 4, nothing stored.
# Totals per submission (receivable; payable; income; expenditure):
#   RTH v1: 150000+12000.50+45000+8000+1200+800+12000+500 = 229500.50; 5500; 48m+2m = 50m; 0
#   RTH v2: 150000+120000.50+45000+8000-2500.25+1200+800+12000+500 = 335000.25; 5500; 50.25m; 0
#   v2 again, and v2 with its lines reversed: identical -> nothing written, still version 2.
#   QU9: 150000+120000.50+7500-2500.25+3000+299000+25000+1000+500000 = 1103000.25;
#        income 3000000; expenditure 45m+2.35m+3000000.01 = 50350000.01
#   RNU: 300000+4000+1500-3000 = 302500; 1200+750 = 1950; 2.4m; 1999000
#   E06000038: 25000+1000 = 26000; -2900; 3m; 2999999.99
# Match, default thresholds rp 2,500/300,000, ie 2m/3m, "over" = strictly greater, balance =
# max(|supplier|,|purchaser|):
#   E06000038>QU9 ie 3,000,000.00 v 3,000,000.01: -0.01 on 3,000,000.01 > 3m -> mismatch
#   E06000038>QU9 rp LA-77 25000 + LA-12 1000 (last year's, but agreed) both sides -> agreed, 2 matched
#   QU9>E06000038 ie 3,000,000.00 v 2,999,999.99: 0.01 on exactly 3m (not over) -> below_threshold
#   RHW>QU9 rp: RHW did not submit: 0 v 500,000 -> -500,000 mismatch; no pairing (one side only)
#   RNU>E06000038 rp credit note RNU-CN9 -3000 v -2900: -100 on |-3000| > 2500 -> statement yes,
#     below_threshold, 1 amount_differs
#   RNU>QU9 ie 2.4m v 2.35m = 50,000 on 2.4m (over 2m, not over 3m) -> statement yes, below
#   RNU>QU9 rp total-only 300,000 v 299,000: balance exactly 300,000 -> below_threshold
#   RNU>RTH rp invoices 4000+1500 v RTH's total-only 5500 -> agreed, no pairing (RTH gave no refs)
#   RTH>QU9 ie 48.25m v 45m -> 3,250,000 mismatch
#   RTH>QU9 rp 320500.25 v 150000+120000.50+7500-2500.25+3000 = 278000.25 -> 42,500.00 mismatch;
#     matched RTH-1001, -1002, -1004 (credit) = 3; differs RTH-0950 (8000 v 7500) = 1;
#     only supplier RTH-1003 (timing) = 1; only purchaser RTH-1005 = 1
#   RTH>RHW rp 12000+500 v nothing -> 12,500 below_threshold, statement yes
#   RTH>RNU ie 2,000,000 v 1,999,000: balance exactly 2m -> statement no, below_threshold
#   RTH>RNU rp 2000 v 1950 -> 50, statement no; RTH-2001 matched, RTH-2002 differs
# --thresholds: rp 1,000/10,000 for 2018-19 (beats *), ie 1m/2.5m for 2018-19-M12:
#   QU9>E06000038 ie 3m > 2.5m -> mismatch; RNU>QU9 ie 2.4m -> below, statement yes;
#   RNU>QU9 rp 300,000 > 10,000 -> mismatch; RTH>RHW 12,500 > 10,000 -> mismatch;
#   RTH>RNU ie 2m > 1m and rp 2000 > 1000 -> statement yes, both still below_threshold.
set -u
cp "$DATA"/review_ledger_system/*.csv .
db=r.db
$ICS ledger init --db $db >/dev/null || echo "init failed"
echo "== bad file"
$ICS ledger submit RNU_bad.csv --org RNU --period 2018-19-M12 --db $db 2>&1
echo "exit $?"
$ICS ledger submissions --db $db | wc -l
echo "== versions"
for f in RTH_v1.csv RTH_v2.csv RTH_v2.csv RTH_v2_reordered.csv; do
    $ICS ledger submit $f --org RTH --period 2018-19-M12 --db $db
    echo "exit $?"
done
for o in QU9 RNU E06000038; do $ICS ledger submit $o.csv --org $o --period 2018-19-M12 --db $db; done
$ICS ledger submissions --db $db | cut -d, -f1-4,8-12
echo "== match"
$ICS ledger match --period 2018-19-M12 --db $db
echo "exit $?"
echo "== match json (selected fields)"
$ICS ledger match --period 2018-19-M12 --db $db --format json |
    grep -E '"(supplier|purchaser|kind|supplier_total|purchaser_total|mismatch|status)"' | tr -d ' ' | paste -d' ' - - - - - - - |
    sed -n '1p;3p;10p'
echo "== thresholds"
printf 'period,kind,statement_threshold,agreement_threshold\n*,rp,2500,300000\n2018-19,rp,1000,10000\n2018-19-M12,ie,1000000,2500000\n' > th.csv
$ICS ledger match --period 2018-19-M12 --db $db --thresholds th.csv | cut -d, -f2-4,7-9
$ICS ledger check --db $db >/dev/null
echo "check exit $?"
