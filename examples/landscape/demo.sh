#!/usr/bin/env bash
# Load every export of the example landscape through `mdm-hub load` into a fresh embedded store,
# then print what the hub made of it, per entity type, scored against labels.csv.
# Run `make demo` from the repository root (it sets up the venv first), or with mdm-hub on PATH:
#   MDM_EMBEDDED_PATH=./demo.db examples/landscape/demo.sh
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HUB="${MDM_HUB:-mdm-hub}"
export MDM_STORE=embedded
export MDM_EMBEDDED_PATH="${MDM_EMBEDDED_PATH:-./demo.db}"
# Refused rows of each file go here (one CSV per export), not beside the committed exports.
REJECTS="${MDM_DEMO_REJECTS:-./demo-rejects}"
rm -f "$MDM_EMBEDDED_PATH" "$MDM_EMBEDDED_PATH-wal" "$MDM_EMBEDDED_PATH-shm"
rm -rf "$REJECTS" && mkdir -p "$REJECTS"

# system, export file, shipped mapping. The firm's structure first, then customers and people,
# then what points at them, so most references find their target as they arrive.
LOADS=(
  "workday  companies.csv          workday/company"
  "workday  cost_centers.csv       workday/cost_center"
  "netsuite subsidiaries.csv       netsuite/subsidiary"
  "netsuite departments.csv        netsuite/department"
  "netsuite gl_accounts.csv        netsuite/gl_account"
  "adp      departments.csv        adp/department"
  "adp      gl_accounts.csv        adp/gl_account"
  "concur   cost_centers.csv       concur/cost_center"
  "salesforce accounts.csv         salesforce/account"
  "netsuite customers.csv          netsuite/customer"
  "psa      clients.csv            psa/client"
  "workday  workers.csv            workday/worker"
  "adp      workers.csv            adp/worker"
  "netsuite employees.csv          netsuite/employee"
  "psa      resources.csv          psa/resource"
  "concur   users.csv              concur/user"
  "psa      projects.csv           psa/project"
  "netsuite projects.csv           netsuite/project"
  "concur   projects.csv           concur/project"
  "psa      rate_cards.csv         psa/rate_card"
  "netsuite billing_rate_cards.csv netsuite/billing_rate_card"
)

failed=0
for load in "${LOADS[@]}"; do
  read -r system file mapping <<<"$load"
  echo "== $system/$file (mapping $mapping)"
  if ! "$HUB" load "$HERE/$system/$file" --system "$system" --mapping "$mapping" --quiet \
      --rejects "$REJECTS/$system-$file.rejects.csv"; then
    echo "   mdm-hub load did not finish cleanly for $system/$file" >&2
    failed=$((failed + 1))
  fi
done

echo
"$HUB" landscape report "$HERE"
echo "store: $MDM_EMBEDDED_PATH; refused rows: $REJECTS/; loads that did not finish cleanly: $failed"
exit $((failed > 0))
