# make install puts the command, the library, the headers and ics.pc under PREFIX, and a program
# built only from what pkg-config says links and runs: 1234.56 is ics_pence_format(123456) (pence to
# pounds, by hand), and the installed command answers --version.
set -u
make -s -C "$ROOT" install PREFIX="$PWD/inst" >/dev/null || echo "install failed"
ls inst/bin inst/lib inst/lib/pkgconfig
diff <(ls "$ROOT/include/ics") <(ls inst/include/ics) && echo "every public header installed"
cat > use.c <<'C'
#include <ics/core.h>
#include <stdio.h>
int main(void) { char pounds[24]; ics_pence_format(123456, pounds); printf("%s\n", pounds); return 0; }
C
export PKG_CONFIG_PATH=$PWD/inst/lib/pkgconfig
cc use.c $(pkg-config --cflags --libs --static ics) -o use && ./use
inst/bin/ics --version
