# Rounds every numeric field to 10 significant digits, as review_spc_oracle.py prints them.
BEGIN { FS = OFS = "," }
{
    for (i = 1; i <= NF; i++)
        if ($i ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) {
            s = sprintf("%.10g", $i + 0); if (s == "-0") s = "0"; $i = s
        }
    print
}
