#!/usr/bin/env bash
# Copy the browser assets installed by `npm ci` (package-lock.json) into static/vendor/.
# Nothing third-party is committed or fetched from a CDN: static/vendor/ is gitignored and
# rebuilt from the registry packages. Safe to run again (the folder is replaced whole).
set -euo pipefail
cd "$(dirname "$0")/.."

src=node_modules
dest=static/vendor
tmp="$(mktemp -d static/.vendor.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

copy() {  # copy SOURCE_FILE DEST_SUBDIR
  mkdir -p "$tmp/$2"
  cp "$src/$1" "$tmp/$2/"
}

copy bootstrap/dist/css/bootstrap.min.css bootstrap
copy bootstrap/dist/css/bootstrap.min.css.map bootstrap
copy bootstrap/dist/js/bootstrap.bundle.min.js bootstrap
copy bootstrap/dist/js/bootstrap.bundle.min.js.map bootstrap
copy htmx.org/dist/htmx.min.js htmx
copy chart.js/dist/chart.umd.min.js chartjs
copy chart.js/dist/chart.umd.min.js.map chartjs
copy bootstrap-icons/font/bootstrap-icons.min.css bootstrap-icons
copy bootstrap-icons/font/fonts/bootstrap-icons.woff bootstrap-icons/fonts
copy bootstrap-icons/font/fonts/bootstrap-icons.woff2 bootstrap-icons/fonts
mkdir -p "$tmp/licenses"
for package in bootstrap htmx.org chart.js bootstrap-icons; do
  for license in "$src/$package"/LICENSE*; do cp "$license" "$tmp/licenses/$package.txt"; done
done

rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "static/vendor: $(find "$dest" -type f | wc -l) files from node_modules"
