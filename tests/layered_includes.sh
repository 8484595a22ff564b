#!/usr/bin/env bash
# Fails when a header or source of the library includes one of a layer above its own: dependencies
# point one way (docs/layout.md). Usage: layered_includes.sh SOURCE_DIR
set -uo pipefail
cd "$1"
# The layer of a path under include/diffinfo or src: vocabulary < io, dist < info < data < process < analytic
# < model < train < measure, sample < report < app < studies.
layer() {
  case "$1" in
    estimate.* | names.* | random.* | condition.* | callables.* | cpu.*) echo 0 ;;
    io/* | dist/*) echo 1 ;;
    info/*) echo 2 ;;
    data/*) echo 3 ;;
    process.* | processes/* | time_sampler.*) echo 4 ;;
    analytic/*) echo 5 ;;
    model/*) echo 6 ;;
    train/*) echo 7 ;;
    measure/* | sample/*) echo 8 ;;
    report/*) echo 9 ;;
    app/*) echo 10 ;;
    studies/*) echo 11 ;;
    *) echo "?" ;;
  esac
}
bad=0
while IFS= read -r file; do
  rel=${file#include/diffinfo/}
  rel=${rel#src/}
  own=$(layer "$rel")
  if [ "$own" = "?" ]; then echo "layered_includes.sh: $file is in no layer; add its folder to tests/layered_includes.sh" >&2; bad=1; continue; fi
  while IFS= read -r inc; do
    theirs=$(layer "$inc")
    if [ "$theirs" = "?" ] || [ "$theirs" -gt "$own" ]; then
      echo "layered_includes.sh: $file (layer $own) includes diffinfo/$inc (layer $theirs): includes must point down" >&2
      bad=1
    fi
  done < <(sed -n 's/^#include "diffinfo\/\([^"]*\)".*/\1/p' "$file")
done < <(find include/diffinfo src -name '*.h' -o -name '*.cpp')
exit $bad
