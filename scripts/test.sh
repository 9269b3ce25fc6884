#!/usr/bin/env bash
# Everything `npm test` does: system packages, lint, format, typecheck, then every test against an
# embedded PostgreSQL, and the storage/search/REST tests again against Debian's PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}"

# System packages the tests need (Debian names): PostgreSQL, Chromium for the browser tests, coturn
# for the TURN relay tests, nats-server for signaling across nodes, janus (the SFU) for multi-party
# video.
APT_PACKAGES=(postgresql chromium coturn nats-server janus)

failed_steps=()
step() {
  local name="$1"
  shift
  echo
  echo "=== ${name}"
  if ! "$@"; then
    failed_steps+=("${name}")
    echo "=== ${name}: FAILED"
  fi
}

install_system_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q 'install ok installed' || missing+=("${pkg}")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "system packages present: ${APT_PACKAGES[*]}"
    return 0
  fi
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq </dev/null &&
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
}

step "system packages" install_system_packages
step "eslint" npx --no-install eslint .
step "prettier" npx --no-install prettier --check .
step "build (tsc -b server + SQL + web app)" npm run --silent build
step "typecheck tests" npx --no-install tsc -p server/tsconfig.test.json --noEmit
step "typecheck web" npx --no-install tsc -p web/tsconfig.json
if [ -n "$(find bench -name '*.ts' -not -path '*/node_modules/*' -print -quit)" ]; then
  step "typecheck bench" npx --no-install tsc -p bench/tsconfig.json --noEmit
fi

results_dir="$(mktemp -d)"
trap 'rm -rf "${results_dir}"' EXIT

# Node 20's --test does not expand globs, so the files are listed here.
run_tests() {
  local kind="$1" tap="$2"
  shift 2
  [ "$#" -gt 0 ] || {
    echo "no test files"
    return 0
  }
  node --import tsx scripts/with-postgres.ts "${kind}" -- \
    node --import tsx --test --test-timeout=600000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="${tap}" \
    "$@"
}

mapfile -t all_tests < <(find server/test web/test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
mapfile -t pg_tests < <(for d in server/test/fhir server/test/search server/test/storage; do
  [ -d "$d" ] && find "$d" -name '*.test.ts'
done | sort)

step "tests (embedded PostgreSQL, ${#all_tests[@]} files)" run_tests embedded "${results_dir}/embedded.tap" "${all_tests[@]}"
step "storage/search/REST tests (Debian PostgreSQL, ${#pg_tests[@]} files)" run_tests system "${results_dir}/system.tap" "${pg_tests[@]}"

# Totals from the runs' TAP output (`# pass`/`# fail`, plus suites that failed outside any test).
read -r passed failed < <(node scripts/tap-summary.mjs "${results_dir}"/*.tap)

echo
if [ "${#failed_steps[@]}" -gt 0 ]; then
  printf 'failed steps:\n'
  printf '  %s\n' "${failed_steps[@]}"
fi
echo "${passed} passed, ${failed} failed"
[ "${#failed_steps[@]}" -eq 0 ] && [ "${failed}" -eq 0 ]
