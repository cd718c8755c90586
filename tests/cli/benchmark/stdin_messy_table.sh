# A table read from standard input the way spreadsheets write it: UTF-8 byte-order mark, CRLF line
# ends, header names in other letter case, a quoted name with a comma and a doubled quote, a column
# order of its own. Rates per 1,000: A 10, B 20, C 30, D 40 (Q1 = 10 + 0.75 x 10 = 17.5), so the gaps
# in bed days are B (20 - 17.5) x 2 = 5, C 12.5 x 4 = 50, D 22.5 x 2 = 45: 100, a quarter 25, at a
# fixed £200 a bed day £5,000; over --days 100: 0.25 beds (EBD is the spreadsheet's name for excess
# bed days, said so with --bed-days yes: the name does not end in bed_days).
printf '\xef\xbb\xbfName,EBD,Code,Spells\r\n"Alpha, ""the first""",10,A,1000\r\nBravo,40,B,2000\r\nCharlie,120,C,4000\r\nDelta,80,D,2000\r\n' |
    "$ICS" benchmark - --metric ebd/SPELLS --bed-days yes --close-gap 25% --cost-per-day 200 --days 100 2>err.txt
echo "exit $?"
tail -n 1 err.txt
