#!/usr/bin/env bash
# Vendors the front-end assets we serve ourselves: Det Fælles Designsystem (dkfds),
# htmx, Swagger UI (the API docs page, /api/v1/docs) and axe-core (browser tests only). Run it to update; commit the result.
# Nothing is fetched at run time, so production never depends on a CDN.
set -euo pipefail
DKFDS_VERSION=${DKFDS_VERSION:-11.2.0}
HTMX_VERSION=${HTMX_VERSION:-2.0.11}
AXE_VERSION=${AXE_VERSION:-4.11.4}
SWAGGER_UI_VERSION=${SWAGGER_UI_VERSION:-5.35.0}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "dkfds@$DKFDS_VERSION" "htmx.org@$HTMX_VERSION" "axe-core@$AXE_VERSION" \
  "swagger-ui-dist@$SWAGGER_UI_VERSION" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}" && tar -xzf "$f" -C "${f%.tgz}"; done
dest="$here/almen/web/static/vendor"
rm -rf "$dest" && mkdir -p "$dest/dkfds" "$dest/htmx" "$dest/axe" "$dest/swagger-ui"
# Only what the CSS references: the default theme, minified, and the
# IBM Plex files it names (woff/woff2 plus the Regular eot/ttf fallbacks).
d=dkfds-$DKFDS_VERSION/package/dist
mkdir -p "$dest/dkfds/css" "$dest/dkfds/js" "$dest/dkfds/fonts/IBMPlexSans/complete"
cp "$d"/css/dkfds.min.css* "$dest/dkfds/css/"
cp "$d"/js/dkfds.min.js* "$dest/dkfds/js/"
cp -r "$d"/img "$dest/dkfds/"
for kind in woff woff2; do
  cp -r "$d/fonts/IBMPlexSans/complete/$kind" "$dest/dkfds/fonts/IBMPlexSans/complete/"
done
for kind in eot ttf; do
  mkdir -p "$dest/dkfds/fonts/IBMPlexSans/complete/$kind"
  cp "$d/fonts/IBMPlexSans/complete/$kind/IBMPlexSans-Regular.$kind" "$dest/dkfds/fonts/IBMPlexSans/complete/$kind/"
done
cp dkfds-*/package/LICENSE* "$dest/dkfds/" 2>/dev/null || true
cp htmx.org-*/package/dist/htmx.min.js "$dest/htmx/"
cp htmx.org-*/package/LICENSE "$dest/htmx/" 2>/dev/null || true
cp axe-core-*/package/axe.min.js "$dest/axe/"
cp axe-core-*/package/LICENSE* "$dest/axe/" 2>/dev/null || true
# Swagger UI: the bundle (with its own presets) and the stylesheet, with their source
# maps (the manifest storage follows sourceMappingURL). Started by our own
# almen/api/static/api/swagger-init.js, not an inline script (the CSP forbids those).
for f in swagger-ui-bundle.js swagger-ui-bundle.js.map swagger-ui.css swagger-ui.css.map \
  LICENSE NOTICE; do
  cp "swagger-ui-dist-$SWAGGER_UI_VERSION/package/$f" "$dest/swagger-ui/"
done
printf 'dkfds %s\nhtmx.org %s\naxe-core %s\nswagger-ui-dist %s\n' "$DKFDS_VERSION" "$HTMX_VERSION" \
  "$AXE_VERSION" "$SWAGGER_UI_VERSION" > "$dest/VERSIONS"
echo "vendored into $dest:"; cat "$dest/VERSIONS"
