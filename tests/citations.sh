#!/usr/bin/env bash
# Fails when a comment, help text or doc cites what a reader of the repository cannot find: the
# project's source papers by their working names ("seed 00N") or notes kept outside it, or a page
# docs/NAME.md that does not exist. Usage: citations.sh SOURCE_DIR
set -uo pipefail
cd "$1"
bad=0
if grep -rnI -e 'seed 00[0-9]' -e 'MATH\.md' -e '\.\./shared' src include tools tests/unit tests/cli docs examples bench README.md; then
  echo "citations.sh: cite the paper (title or arXiv id, equation) or docs/math.md §N instead" >&2
  bad=1
fi
for page in $(grep -rhoI 'docs/[a-z_]*\.md' src include tools tests/unit tests/cli docs examples bench README.md | sort -u); do
  [ -f "$page" ] || { echo "citations.sh: $page is cited but does not exist" >&2; bad=1; }
done
exit $bad
