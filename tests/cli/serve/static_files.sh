# ics serve --web DIR: the dashboard's files are read into memory at start and answered by exact name only.
# A page by its name with or without .html ("/" is index.html), each type its Content-Type, the security
# headers (a CSP allowing only the server itself, no framing, no referrer, nosniff), an ETag that a
# revalidation answers 304 (with no body); nothing outside the folder however the path is spelt (.., %2e%2e, an encoded
# slash, a NUL, a symlink out of it, a dotfile), nothing but GET and HEAD, and the API beside it as before.
set -u
$ICS ledger init --db s.db >/dev/null
mkdir -p root/static/js outside
printf '<!doctype html><title>t</title><p>index\n' > root/index.html
printf '<!doctype html><p>board\n' > root/board.html
printf 'body{color:red}\n' > root/static/app.css
printf 'export const x = 1;\n' > root/static/js/a.js
printf 'secret\n' > outside/secret.txt
printf 'hidden\n' > root/.env
ln -s "$PWD/outside/secret.txt" root/static/link.txt
$ICS serve --db s.db --listen 127.0.0.1:0 --web root --access-log - > serve.out 2>/dev/null &
server=$!
for _ in $(seq 50); do grep -q listening serve.out 2>/dev/null && break; sleep 0.1; done
sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/' serve.out
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' serve.out)
W=http://127.0.0.1:$port
get() {   # get PATH [curl options]: status, type and length, then the body's first line
    local path=$1
    shift
    printf '%-28s ' "$path"
    rm -f body
    curl -s --path-as-is -o body -w '%{http_code} %{content_type} ' "$@" "$W$path"
    printf '%s\n' "$(head -n 1 body 2>/dev/null | cut -c1-60)"
}
echo "== pages and files"
for p in / /index.html /index /board /board.html /static/app.css /static/js/a.js; do get $p; done
echo "== the headers of a page"
curl -s -D - -o /dev/null $W/board | tr -d '\r' | grep -iE '^(content-security-policy|x-frame-options|referrer-policy|x-content-type-options|cache-control):' | sort
curl -s -D - -o /dev/null $W/static/app.css | tr -d '\r' | grep -i '^cache-control:'
echo "== revalidation"
etag=$(curl -s -D - -o /dev/null $W/board | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
get /board -H "If-None-Match: $etag"
get /board -H 'If-None-Match: "other"'
echo "== HEAD, POST"
curl -s -I -o /dev/null -w '%{http_code} HEAD /board\n' $W/board
get /board -X POST -d x
# libmicrohttpd decodes %2f and %00 before ics sees the path: the decoded name is looked up in the table
# of files read at start, so an encoded form reaches at most the file it decodes to, never a name outside.
echo "== nothing outside the folder, nothing hidden"
for p in /../outside/secret.txt /static/../../outside/secret.txt /%2e%2e/outside/secret.txt /static%2fapp.css \
         /static/app.css%00.html /static/link.txt /.env /static/ /nothing /index.html/ '/board?x=1'; do
    get "$p"
done
echo "== the API beside it"
get /api/v1/health
get /api/v1/nothing
kill -TERM $server
wait $server
echo "server exit $?"
echo "== the built dashboard: every page and the files they load"
rb=${ICS_RELEASE_BUILD:-build}
case $rb in /*) ;; *) rb=$ROOT/$rb ;; esac   # (make passes the build folder relative to the tree)
web=$rb/web/root
[ -f "$web/index.html" ] || { echo "no dashboard built at $web (make deps, then make)"; exit 1; }
$ICS serve --db s.db --listen 127.0.0.1:0 --web "$web" --access-log - > serve2.out 2>/dev/null &
server=$!
for _ in $(seq 50); do grep -q listening serve2.out 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' serve2.out)
W=http://127.0.0.1:$port
for p in / /signin /agree /board /disputes /dispute /upload; do
    curl -s -o page.html -w "%{http_code} $p " $W$p
    # Every script, stylesheet and icon the page names is served by ics (nothing from elsewhere).
    refs=$(grep -oE '(src|href)="[^"]*"' page.html | sed -E 's/^(src|href)="//; s/"$//' | grep -vE '^/(|agree|board|disputes|upload|signin)$' | sort -u)
    bad=0
    for r in $refs; do
        case $r in \#*) continue ;; /*) ;; *) echo "refers outside: $r"; bad=1; continue ;; esac
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$W$r")" = 200 ] || { echo "missing: $r"; bad=1; }
    done
    echo "$(grep -o '<title>[^<]*' page.html | head -n 1 | sed 's/<title>//'); $(echo "$refs" | wc -w) files, all served: $([ $bad = 0 ] && echo yes || echo no)"
done
kill -TERM $server
wait $server
echo "server exit $?"
